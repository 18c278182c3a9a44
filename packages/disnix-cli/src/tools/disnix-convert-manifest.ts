import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, interfaceOption, profileOption, showTraceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorLocalSession, type CoordinatorLocalSession } from '../cli/coordinator-session.js'

export interface DisnixConvertManifestOptions {
  infrastructure: string
  profile: string
  coordinatorProfilePath?: string
  interface: string
  targetProperty: string
  xml?: boolean
  showTrace?: boolean
}

export const disnixConvertManifest = defineTool<DisnixConvertManifestOptions, CoordinatorLocalSession, [manifest?: string]>({
  name: 'disnix-convert-manifest',
  summary: 'Convert a version 1 manifest into a Nix deployment model (for disnix-manifest -D)',
  session: coordinatorLocalSession,
  arguments: [new Argument('[manifest]', 'Version 1 manifest file (default: the last deployed manifest of the coordinator profile)')],
  options: [
    new Option('-i, --infrastructure <file>', 'Infrastructure model that maps the target addresses of the manifest to machine names').makeOptionMandatory(),
    profileOption(),
    coordinatorProfilePathOption(),
    interfaceOption(),
    targetPropertyOption(),
    new Option('--xml', 'The infrastructure file is infrastructure XML instead of a Nix model'),
    showTraceOption(),
  ],
  environment: [{ name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> for the infrastructure model' }],
  exitStatuses: [
    { status: 0, meaning: 'the deployment model was printed on stdout' },
    { status: 1, meaning: 'the manifest or the infrastructure model is invalid, or a target cannot be mapped' },
  ],
  async run({ opts, args: [manifest], io }) {
    const [{ convertV1Manifest, printManifestNix, readV1Manifest }, { loadInfrastructure }] = await Promise.all([
      import('@disnix-ts/libmanifest'),
      import('../cli/load-infrastructure.js'),
    ])
    const old = await readV1Manifest({ manifest, profile: opts.profile, coordinatorProfilePath: opts.coordinatorProfilePath })
    const infrastructure = await loadInfrastructure(opts.infrastructure, {
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      xml: opts.xml,
      showTrace: opts.showTrace,
      env: io.env,
    })
    io.stdout.write(printManifestNix(convertV1Manifest(old, infrastructure)))
  },
})
