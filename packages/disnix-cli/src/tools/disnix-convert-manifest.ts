import { Option } from 'commander'
import {
  coordinatorProfilePathOption,
  helpSections,
  interfaceOption,
  profileOption,
  runTool,
  showTraceOption,
  targetPropertyOption,
  toolCommand,
} from '@disnix-ts/libmain'

interface Options {
  infrastructure: string
  profile: string
  coordinatorProfilePath?: string
  interface: string
  targetProperty: string
  xml?: boolean
  showTrace?: boolean
}

const program = toolCommand('disnix-convert-manifest', 'Convert a version 1 manifest into a Nix deployment model (for disnix-manifest -D)')
  .addOption(new Option('-i, --infrastructure <file>', 'Infrastructure model that maps the target addresses of the manifest to machine names').makeOptionMandatory())
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .addOption(interfaceOption())
  .addOption(targetPropertyOption())
  .addOption(new Option('--xml', 'The infrastructure file is infrastructure XML instead of a Nix model'))
  .addOption(showTraceOption())
  .argument('[manifest]', 'Version 1 manifest file (default: the last deployed manifest of the coordinator profile)')
  .addHelpText(
    'after',
    helpSections({
      Environment: [
        'DISNIX_PROFILE           Name of the Disnix profile (default: default)',
        'DISNIX_CLIENT_INTERFACE  Client interface of targets that do not name one (default: disnix-ssh-client)',
        'DISNIX_TARGET_PROPERTY   Property that holds a machine\'s address (default: hostname)',
        'NIX_PATH                 Must provide <nixpkgs> for the infrastructure model',
      ],
      'Exit status': ['0  the deployment model was printed on stdout', '1  the manifest or the infrastructure model is invalid, or a target cannot be mapped'],
    }),
  )
  .action(async (manifest: string | undefined, opts: Options) => {
    const { convertManifestFile } = await import('@disnix-ts/libmanifest')
    process.stdout.write(
      await convertManifestFile({
        manifest,
        infrastructure: opts.infrastructure,
        profile: opts.profile,
        coordinatorProfilePath: opts.coordinatorProfilePath,
        clientInterface: opts.interface,
        targetProperty: opts.targetProperty,
        xml: opts.xml,
        showTrace: opts.showTrace,
      }),
    )
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
