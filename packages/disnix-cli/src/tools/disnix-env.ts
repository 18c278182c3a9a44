import { Option } from 'commander'
import {
  coordinatorProfilePathOption,
  envFlag,
  helpSections,
  interfaceOption,
  keepOption,
  maxConcurrentTransfersOption,
  nonNegativeInteger,
  profileOption,
  runTool,
  showTraceOption,
  targetPropertyOption,
  toolCommand,
} from '@disnix-ts/libmain'
import { addModelOptions, MODEL_COMBINATIONS_HELP } from '../models/model-options.js'
import type { ModelOptions } from '../models/select-models.js'

export interface EnvOptions extends ModelOptions {
  rollback?: boolean
  switchToGeneration?: number
  listGenerations?: boolean
  deleteGenerations?: string
  deleteAllGenerations?: boolean
  targetProperty: string
  interface: string
  deployState?: boolean
  profile: string
  maxConcurrentTransfers: number
  buildOnTargets?: boolean
  extraParams?: string
  coordinatorProfilePath?: string
  upgrade: boolean
  lock: boolean
  coordinatorProfile: boolean
  targetProfiles: boolean
  migration: boolean
  deleteState?: boolean
  depthFirst?: boolean
  keep: number
  showTrace?: boolean
  dryRun?: boolean
  verbose?: boolean
}

const program = addModelOptions(
  toolCommand('disnix-env', 'Deploy a service-oriented system: build it from the models, distribute, activate, and keep generations'),
  ['models', 'packages', 'architecture', 'deployment', 'undeploy'],
)
  .option('--rollback', 'Deploy the previous generation of the coordinator profile again')
  .addOption(new Option('--switch-to-generation <n>', 'Deploy the given generation of the coordinator profile again').argParser(nonNegativeInteger))
  .option('--list-generations', 'List the generations of the coordinator profile')
  .option('--delete-generations <generations>', 'Delete generations of the coordinator profile: numbers, Nd (older than N days) or old')
  .option('--delete-all-generations', 'Delete the coordinator profile and all its generations')
  .addOption(targetPropertyOption())
  .addOption(interfaceOption())
  .option('--deploy-state', 'Deploy the state of every service, as if each had deployState = true (also DISNIX_DEPLOY_STATE=1)')
  .addOption(profileOption())
  .addOption(maxConcurrentTransfersOption())
  .option('--build-on-targets', 'Build the services on the target machines and copy the results back')
  .addOption(coordinatorProfilePathOption())
  .option('--no-upgrade', 'Ignore the previous deployment: activate every service as in a first deployment')
  .option('--no-lock', 'Do not lock the targets')
  .option('--no-coordinator-profile', 'Do not set the coordinator profile')
  .option('--no-target-profiles', 'Do not set the profiles on the targets')
  .option('--no-migration', 'Do not snapshot, transfer and restore the state of stateful services')
  .option('--delete-state', 'Delete the obsolete state of services that moved or were removed (also DISNIX_DELETE_STATE=1)')
  .option('--depth-first', 'Migrate state one service at a time')
  .addOption(keepOption())
  .addOption(showTraceOption())
  .option('--dry-run', 'Build the manifest, then print per target what would be transferred, deactivated and activated; change nothing')
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      'Model combinations': MODEL_COMBINATIONS_HELP,
      Environment: [
        'DISNIX_CLIENT_INTERFACE   Default client interface (default: disnix-ssh-client)',
        'DISNIX_TARGET_PROPERTY    Default target property holding a machine address (default: hostname)',
        'DISNIX_PROFILE            Default profile name (default: default)',
        'DISNIX_DEPLOY_STATE       When 1, acts as --deploy-state',
        'DISNIX_DELETE_STATE       When 1, acts as --delete-state',
        'NIX_PATH                  Must provide <nixpkgs> for the models',
        'SSH_OPTS, SSH_USER        Used by disnix-ssh-client to reach the targets',
        'TMPDIR                    Directory for temporary files (default: /tmp)',
      ],
      'Exit status': ['0  success', '1  failure (a failed deployment leaves the previous configuration active)', '2  the state migration failed after the new configuration was activated'],
    }),
  )
  .action(async (opts: EnvOptions) => {
    const { runEnv } = await import('../cli/run-env.js')
    process.exitCode = await runEnv(opts, { deployState: opts.deployState === true || envFlag(process.env, 'DISNIX_DEPLOY_STATE'), deleteState: opts.deleteState === true || envFlag(process.env, 'DISNIX_DELETE_STATE') })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
