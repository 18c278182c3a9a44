import { Argument, Option } from 'commander'
import {
  coordinatorProfilePathOption,
  defineTool,
  envFlag,
  interfaceOption,
  maxConcurrentTransfersOption,
  profileOption,
  showTraceOption,
  targetPropertyOption,
} from '@disnix-ts/libmain'
import { coordinatorLocalSession, type CoordinatorLocalSession } from '../cli/coordinator-session.js'
import { infrastructureXmlOption, type InfrastructureOptions } from '../cli/infrastructure-options.js'

export interface DisnixReconstructOptions extends InfrastructureOptions {
  deployState?: boolean
  profile: string
  maxConcurrentTransfers: number
  coordinatorProfilePath?: string
  coordinatorProfile: boolean
  showTrace?: boolean
}

export const disnixReconstruct = defineTool<DisnixReconstructOptions, CoordinatorLocalSession, [infrastructure: string]>({
  name: 'disnix-reconstruct',
  summary: 'Rebuild the coordinator profile from what the targets have installed (after it was lost)',
  // The steps run as their own processes (disnix-capture-manifest, disnix-manifest, ...), which reach the targets.
  session: coordinatorLocalSession,
  arguments: [new Argument('<infrastructure>', 'Infrastructure model naming the targets (a Nix expression, or XML with --xml)')],
  options: [
    interfaceOption(),
    targetPropertyOption(),
    new Option('--deploy-state', 'Build the manifest as if every service had deployState = true (also DISNIX_DEPLOY_STATE=1)'),
    profileOption(),
    maxConcurrentTransfersOption(),
    coordinatorProfilePathOption(),
    new Option('--no-coordinator-profile', 'Do not set the coordinator profile (only check that the deployment can be reconstructed)'),
    showTraceOption(),
    infrastructureXmlOption(),
  ],
  sections: {
    Description: [
      'Runs disnix-capture-manifest, builds the captured model with `disnix-manifest -D`, and when the result',
      'differs from the current coordinator profile (disnix-compare-manifest) records it with',
      '`disnix-set --no-target-profiles`: a new coordinator generation, the targets untouched.',
    ],
  },
  environment: [
    { name: 'DISNIX_DEPLOY_STATE', meaning: 'When 1, acts as --deploy-state' },
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> (for the infrastructure model and disnix-manifest)' },
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
    { name: 'TMPDIR', meaning: 'Directory for temporary files (default: /tmp)' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'the coordinator profile is up to date (set, or already equal)' },
    { status: 1, meaning: 'a step failed (it is named)' },
  ],
  async run({ opts, args: [infrastructure], session, io }) {
    const { runReconstruct } = await import('../cli/run-reconstruct.js')
    await runReconstruct({
      ...opts,
      infrastructure,
      deployState: opts.deployState === true || envFlag(io.env, 'DISNIX_DEPLOY_STATE'),
      tmpdir: session.tmpdir,
      progress: session.progress,
    })
  },
})
