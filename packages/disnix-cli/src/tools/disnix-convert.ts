import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, interfaceOption, profileOption, showTraceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorLocalSession, type CoordinatorLocalSession } from '../cli/coordinator-session.js'

export interface DisnixConvertOptions {
  infrastructure: string
  profile: string
  coordinatorProfilePath?: string
  interface: string
  targetProperty: string
  coordinatorProfile: boolean
  targetProfiles: boolean
  showTrace?: boolean
}

export const disnixConvert = defineTool<DisnixConvertOptions, CoordinatorLocalSession, [manifest?: string]>({
  name: 'disnix-convert',
  summary: 'Convert a deployment made with a version 1 manifest to the version 2 structure',
  // The steps run as their own processes (disnix-convert-manifest, disnix-manifest, disnix-set).
  session: coordinatorLocalSession,
  arguments: [new Argument('[manifest]', 'Version 1 manifest file (default: the last deployed manifest of the coordinator profile)')],
  options: [
    new Option('-i, --infrastructure <file>', 'Infrastructure model of the machines in the network').makeOptionMandatory(),
    targetPropertyOption(),
    interfaceOption(),
    profileOption(),
    coordinatorProfilePathOption(),
    new Option('--no-coordinator-profile', 'Do not update the coordinator profile'),
    new Option('--no-target-profiles', 'Do not update the target profiles'),
    showTraceOption(),
  ],
  sections: {
    Description: [
      'Runs disnix-convert-manifest, builds the result with disnix-manifest -D and sets the coordinator',
      'and target profiles with disnix-set. Afterwards, deploy again with disnix-env --no-lock.',
    ],
  },
  environment: [
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs>' },
    { name: 'TMPDIR', meaning: 'Where the converted deployment model is written temporarily (default: /tmp)' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'converted, profiles set' },
    { status: 1, meaning: 'a step failed (its message says which)' },
  ],
  async run({ opts, args: [manifest], session, io }) {
    const { runConvert } = await import('../cli/run-convert.js')
    await runConvert({
      manifest,
      infrastructure: opts.infrastructure,
      profile: opts.profile,
      coordinatorProfilePath: opts.coordinatorProfilePath,
      clientInterface: opts.interface,
      targetProperty: opts.targetProperty,
      noCoordinatorProfile: !opts.coordinatorProfile,
      noTargetProfiles: !opts.targetProfiles,
      showTrace: opts.showTrace,
      tmpdir: session.tmpdir,
      env: io.env,
      progress: session.progress,
    })
  },
})
