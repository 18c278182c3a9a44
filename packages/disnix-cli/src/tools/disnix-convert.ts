import { Option } from 'commander'
import {
  coordinatorProfilePathOption,
  helpSections,
  interfaceOption,
  plainProgress,
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
  coordinatorProfile: boolean
  targetProfiles: boolean
  showTrace?: boolean
}

const program = toolCommand('disnix-convert', 'Convert a deployment made with a version 1 manifest to the version 2 structure')
  .addOption(new Option('-i, --infrastructure <file>', 'Infrastructure model of the machines in the network').makeOptionMandatory())
  .addOption(targetPropertyOption())
  .addOption(interfaceOption())
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .addOption(new Option('--no-coordinator-profile', 'Do not update the coordinator profile'))
  .addOption(new Option('--no-target-profiles', 'Do not update the target profiles'))
  .addOption(showTraceOption())
  .argument('[manifest]', 'Version 1 manifest file (default: the last deployed manifest of the coordinator profile)')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Runs disnix-convert-manifest, builds the result with disnix-manifest -D and sets the coordinator',
        'and target profiles with disnix-set. Afterwards, deploy again with disnix-env --no-lock.',
      ],
      Environment: [
        'DISNIX_PROFILE           Name of the Disnix profile (default: default)',
        'DISNIX_CLIENT_INTERFACE  Client interface of targets that do not name one (default: disnix-ssh-client)',
        'DISNIX_TARGET_PROPERTY   Property that holds a machine\'s address (default: hostname)',
        'NIX_PATH                 Must provide <nixpkgs>',
        'TMPDIR                   Where the converted deployment model is written temporarily (default: /tmp)',
      ],
      'Exit status': ['0  converted, profiles set', '1  a step failed (its message says which)'],
    }),
  )
  .action(async (manifest: string | undefined, opts: Options) => {
    const { convertDeployment } = await import('@disnix-ts/libmanifest')
    await convertDeployment({
      manifest,
      infrastructure: opts.infrastructure,
      profile: opts.profile,
      coordinatorProfilePath: opts.coordinatorProfilePath,
      clientInterface: opts.interface,
      targetProperty: opts.targetProperty,
      noCoordinatorProfile: !opts.coordinatorProfile,
      noTargetProfiles: !opts.targetProfiles,
      showTrace: opts.showTrace,
      tmpDir: process.env.TMPDIR,
      progress: plainProgress(process.stderr),
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
