import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, profileOption } from '@disnix-ts/libmain'
import { dydisnixSession } from '../cli/dydisnix-session.js'

export interface DydisnixPreviousDistributionOptions {
  profile: string
  coordinatorProfilePath?: string
  outputXml?: boolean
}

export const dydisnixPreviousDistribution = defineTool<DydisnixPreviousDistributionOptions, undefined, [manifest?: string]>({
  name: 'dydisnix-previous-distribution',
  summary: 'Print the distribution of a deployed manifest as a candidate distribution (what QoS models get as previousDistribution)',
  session: dydisnixSession,
  arguments: [new Argument('[manifest]', 'Manifest file (default: the last deployment of the profile)')],
  options: [profileOption(), coordinatorProfilePathOption(), new Option('--output-xml', 'Write distribution XML instead of a Nix expression')],
  sections: {
    Output: ['{ "service" = [ "target" ... ]; ... } (Nix), or distribution XML; { } when nothing was deployed yet.'],
  },
  exitStatuses: [
    { status: 0, meaning: 'printed' },
    { status: 1, meaning: 'the manifest cannot be read' },
  ],
  async run({ opts, args: [manifest], io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const distribution = await lib.deployedDistribution({ manifest, profile: opts.profile, coordinatorProfilePath: opts.coordinatorProfilePath })
    io.stdout.write(lib.printDistribution(distribution ?? {}, opts.outputXml === true))
  },
})
