import { Argument, Option } from 'commander'
import { defineTool, DisnixError, interfaceOption, maxConcurrentTransfersOption, profileOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'
import { infrastructureXmlOption, type InfrastructureOptions } from '../cli/infrastructure-options.js'

export interface DisnixCaptureManifestOptions extends InfrastructureOptions, CoordinatorOptions {
  profile: string
  maxConcurrentTransfers: number
}

export const disnixCaptureManifest = defineTool<DisnixCaptureManifestOptions, CoordinatorSession, [infrastructure: string]>({
  name: 'disnix-capture-manifest',
  summary: 'Print the deployment the targets have installed as a Nix deployment model',
  session: coordinatorSession,
  arguments: [new Argument('<infrastructure>', 'Infrastructure model naming the targets (a Nix expression, or XML with --xml)')],
  options: [
    profileOption(),
    maxConcurrentTransfersOption(),
    interfaceOption(),
    targetPropertyOption(),
    infrastructureXmlOption(),
    new Option('--verbose', 'Plain progress lines even on a terminal'),
  ],
  sections: {
    Description: [
      "Asks every target for its Disnix profile (-p), copies each profile's closure to this machine and",
      'combines their profile manifests with the infrastructure into a deployment model on stdout, the',
      'input of `disnix-manifest -D`. Targets without the profile are reported and left out.',
    ],
  },
  environment: [
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> when the infrastructure model needs it' },
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'the model was printed (possibly without targets that failed; see the messages)' },
    { status: 1, meaning: 'bad options or infrastructure model, or no target could be captured (nothing is printed)' },
  ],
  async run({ opts, args: [infrastructureFile], session, io }) {
    const [{ captureManifest }, { loadInfrastructure }, { printManifestNix }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('../cli/load-infrastructure.js'),
      import('@disnix-ts/libmanifest'),
    ])
    const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml, env: io.env })
    const { manifest, failed } = await captureManifest({ ...session.context, infrastructure, profile: opts.profile, maxConcurrentTransfers: opts.maxConcurrentTransfers })
    // A model without any target would make disnix-reconstruct record an empty deployment.
    if (Object.keys(manifest.profiles).length === 0 && failed.length > 0) {
      throw new DisnixError('CAPTURE_FAILED', `Cannot capture the deployment: no target has the profile: ${opts.profile} (failed: ${failed.join(', ')})`)
    }
    io.stdout.write(printManifestNix(manifest))
  },
})
