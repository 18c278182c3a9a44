import {
  coordinatorProfilePathOption,
  envFlag,
  helpSections,
  interfaceOption,
  maxConcurrentTransfersOption,
  profileOption,
  runTool,
  showTraceOption,
  targetPropertyOption,
  toolCommand,
} from '@disnix-ts/libmain'

interface Options {
  interface: string
  targetProperty: string
  deployState?: boolean
  profile: string
  maxConcurrentTransfers: number
  coordinatorProfilePath?: string
  coordinatorProfile: boolean
  showTrace?: boolean
  xml?: boolean
}

const program = toolCommand('disnix-reconstruct', "Rebuild the coordinator profile from what the targets have installed (after it was lost)")
  .argument('<infrastructure>', 'Infrastructure model naming the targets (a Nix expression, or XML with --xml)')
  .addOption(interfaceOption())
  .addOption(targetPropertyOption())
  .option('--deploy-state', 'Build the manifest as if every service had deployState = true (also DISNIX_DEPLOY_STATE=1)')
  .addOption(profileOption())
  .addOption(maxConcurrentTransfersOption())
  .addOption(coordinatorProfilePathOption())
  .option('--no-coordinator-profile', 'Do not set the coordinator profile (only check that the deployment can be reconstructed)')
  .addOption(showTraceOption())
  .option('--xml', 'The infrastructure model is an XML file (as disnix-normalize-infra writes it)')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Runs disnix-capture-manifest, builds the captured model with `disnix-manifest -D`, and when the result',
        'differs from the current coordinator profile (disnix-compare-manifest) records it with',
        '`disnix-set --no-target-profiles`: a new coordinator generation, the targets untouched.',
      ],
      Environment: [
        'DISNIX_PROFILE           Default profile name (default: default)',
        'DISNIX_CLIENT_INTERFACE  Default client interface (default: disnix-ssh-client)',
        'DISNIX_TARGET_PROPERTY   Default target property holding a machine address (default: hostname)',
        'DISNIX_DEPLOY_STATE      When 1, acts as --deploy-state',
        'NIX_PATH                 Must provide <nixpkgs> (for the infrastructure model and disnix-manifest)',
        'SSH_OPTS, SSH_USER       Passed on to disnix-ssh-client',
        'TMPDIR                   Directory for temporary files (default: /tmp)',
      ],
      'Exit status': ['0  the coordinator profile is up to date (set, or already equal)', '1  a step failed (it is named)'],
    }),
  )
  .action(async (infrastructure: string, opts: Options) => {
    const { runReconstruct } = await import('../cli/run-reconstruct.js')
    process.exitCode = await runReconstruct({
      ...opts,
      infrastructure,
      deployState: opts.deployState === true || envFlag(process.env, 'DISNIX_DEPLOY_STATE'),
      tmpdir: process.env.TMPDIR || '/tmp',
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
