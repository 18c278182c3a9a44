import { Option } from 'commander'
import {
  coordinatorProfilePathOption,
  defineTool,
  interfaceOption,
  keepOption,
  maxConcurrentTransfersOption,
  nonNegativeInteger,
  profileOption,
  showTraceOption,
  targetPropertyOption,
  verboseOption,
} from '@disnix-ts/libmain'
import { coordinatorLocalSession, type CoordinatorLocalSession } from '../cli/coordinator-session.js'
import type { DisnixEnvOptions } from '../cli/env-options.js'
import { healthCheckOptions } from '../cli/health-check-options.js'
import { MODEL_COMBINATIONS_HELP, modelOptions } from '../models/model-options.js'

export const disnixEnv = defineTool<DisnixEnvOptions, CoordinatorLocalSession, []>({
  name: 'disnix-env',
  summary: 'Deploy a service-oriented system: build it from the models, distribute, activate, and keep generations',
  // The steps run as their own processes (disnix-manifest, disnix-deploy), which handle Ctrl-C.
  session: coordinatorLocalSession,
  helpWithoutArguments: true,
  options: [
    ...modelOptions(['models', 'packages', 'architecture', 'deployment', 'undeploy']),
    new Option('--rollback', 'Deploy the previous generation of the coordinator profile again'),
    new Option('--switch-to-generation <n>', 'Deploy the given generation of the coordinator profile again').argParser(nonNegativeInteger),
    new Option('--list-generations', 'List the generations of the coordinator profile'),
    new Option('--delete-generations <generations>', 'Delete generations of the coordinator profile: numbers, Nd (older than N days) or old'),
    new Option('--delete-all-generations', 'Delete the coordinator profile and all its generations'),
    new Option('--repair', 'Re-activate exactly the services of the current deployment whose health check fails (e.g. after targets restarted); no new generation'),
    targetPropertyOption(),
    interfaceOption(),
    new Option('--deploy-state', 'Deploy the state of every service, as if each had deployState = true (also DISNIX_DEPLOY_STATE=1)'),
    profileOption(),
    maxConcurrentTransfersOption(),
    new Option('--build-on-targets', 'Build the services on the target machines and copy the results back'),
    coordinatorProfilePathOption(),
    new Option('--no-upgrade', 'Ignore the previous deployment: activate every service as in a first deployment'),
    new Option('--no-lock', 'Do not lock the targets'),
    new Option('--no-coordinator-profile', 'Do not set the coordinator profile'),
    new Option('--no-target-profiles', 'Do not set the profiles on the targets'),
    new Option('--no-migration', 'Do not snapshot, transfer and restore the state of stateful services'),
    new Option('--delete-state', 'Delete the obsolete state of services that moved or were removed (also DISNIX_DELETE_STATE=1)'),
    new Option('--depth-first', 'Migrate state one service at a time'),
    keepOption(),
    showTraceOption(),
    ...healthCheckOptions(),
    new Option('--dry-run', 'Build the manifest, then print per target what would be transferred, deactivated and activated; change nothing'),
    verboseOption(),
  ],
  sections: { 'Model combinations': MODEL_COMBINATIONS_HELP },
  environment: [
    { name: 'DISNIX_DEPLOY_STATE', meaning: 'When 1, acts as --deploy-state' },
    { name: 'DISNIX_DELETE_STATE', meaning: 'When 1, acts as --delete-state' },
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> for the models' },
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Used by disnix-ssh-client to reach the targets' },
    { name: 'TMPDIR', meaning: 'Directory for temporary files (default: /tmp)' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'success' },
    { status: 1, meaning: 'failure (a failed deployment, also a service that does not pass its health check, leaves the previous configuration active; with --repair: a service could not be repaired; a target lost on the way (TARGET_LOST, also while the data migrates) is accounted for per target, with the command that finishes the deployment)' },
    { status: 2, meaning: 'the state migration failed after the new configuration was activated, no target lost' },
    { status: 3, meaning: 'deployed (every profile is set), but a target was lost while its lock was released: it may keep the lock; the hint prints the disnix-lock --unlock --target command', codes: ['LOCK_LEFT'] },
    { status: 130, meaning: 'interrupted (Ctrl-C); the previous configuration is active and no target is left locked' },
  ],
  async run({ opts, io, session }) {
    const { runEnv } = await import('../cli/run-env.js')
    return runEnv(opts, io, session)
  },
})
