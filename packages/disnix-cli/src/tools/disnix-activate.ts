import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, profileOption } from '@disnix-ts/libmain'
import type { TransitionStatus } from '@disnix-ts/libdeploy'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'

export interface DisnixActivateOptions extends CoordinatorOptions {
  oldManifest?: string
  profile: string
  coordinatorProfilePath?: string
  upgrade: boolean
  rollback: boolean
  dryRun?: boolean
}

/** The original's exit statuses: the TransitionStatus of the transition (spec §5.5). */
const EXIT_STATUS: Record<TransitionStatus, number> = {
  success: 0,
  failed: 1,
  'obsolete-mappings-rollback-failed': 2,
  'new-mappings-rollback-failed': 3,
}

export const disnixActivate = defineTool<DisnixActivateOptions, CoordinatorSession, [manifest: string]>({
  name: 'disnix-activate',
  summary: 'Activate the services of a manifest: deactivate obsolete services, activate new ones, roll back on failure',
  session: coordinatorSession,
  arguments: [new Argument('<manifest>', 'Manifest file describing the new configuration')],
  options: [
    new Option('-o, --old-manifest <file>', 'Manifest of the configuration that is active now (default: the last deployed one)'),
    profileOption(),
    coordinatorProfilePathOption(),
    new Option('--no-upgrade', 'Ignore the previous manifest: activate every service as in a first deployment'),
    new Option('--no-rollback', 'Do not roll back when the transition fails'),
    new Option('--dry-run', 'Print the (de)activations in the order they would run, without touching any target'),
    new Option('--verbose', 'Plain progress lines even on a terminal'),
  ],
  exitStatuses: [
    { status: EXIT_STATUS.success, meaning: 'the new configuration is active' },
    { status: EXIT_STATUS.failed, meaning: 'the transition failed and the previous configuration is active again (or --no-rollback)' },
    { status: EXIT_STATUS['obsolete-mappings-rollback-failed'], meaning: 'the transition failed and restoring the obsolete services failed' },
    { status: EXIT_STATUS['new-mappings-rollback-failed'], meaning: 'the transition failed and deactivating the new services failed' },
  ],
  async run({ opts, args: [manifestPath], session }) {
    const [{ readManifest }, deployLib, { loadPreviousManifest }] = await Promise.all([
      import('@disnix-ts/libmanifest'),
      import('@disnix-ts/libdeploy'),
      import('../cli/manifests.js'),
    ])
    const manifest = await readManifest(manifestPath, { defaultTarget: session.hostname })
    const previous = opts.upgrade
      ? await loadPreviousManifest({ ...opts, user: session.user }, session.hostname, session.progress)
      : (session.progress({ kind: 'message', text: 'Forced to do no upgrade! Ignoring the previous manifest file!' }), {})
    const status = await deployLib.activateSystem({ ...session.context, manifest, oldManifest: previous.manifest, noRollback: !opts.rollback, dryRun: opts.dryRun })
    if (status === 'success') {
      session.progress({ kind: 'message', text: 'The new configuration has been successfully activated!' })
      return EXIT_STATUS.success
    }
    session.progress({ kind: 'message', text: 'ERROR: Transition phase execution failed!' })
    const command = deployLib.transitionRecoveryCommand(status, { ...opts, manifestPath, oldManifestPath: previous.path })
    if (previous.path && command) session.progress({ kind: 'message', text: `Please inspect the targets, then try: ${command}` })
    return EXIT_STATUS[status]
  },
})
