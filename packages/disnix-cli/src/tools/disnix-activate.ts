import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, plainLine, profileOption, type ProgressSink } from '@disnix-ts/libmain'
import type { TransitionStatus } from '@disnix-ts/libdeploy'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'
import { healthCheckOptions, healthCheckPolicy, type HealthCheckOptions } from '../cli/health-check-options.js'

export interface DisnixActivateOptions extends CoordinatorOptions, HealthCheckOptions {
  oldManifest?: string
  profile: string
  coordinatorProfilePath?: string
  upgrade: boolean
  rollback: boolean
  dryRun?: boolean
  repair?: boolean
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
    new Option('--repair', 'Check every service of MANIFEST (the deployed configuration) and re-activate, dependencies first, exactly those whose check fails; no profile changes').conflicts(['dryRun']),
    ...healthCheckOptions(),
  ],
  exitStatuses: [
    { status: EXIT_STATUS.success, meaning: 'the new configuration is active' },
    { status: EXIT_STATUS.failed, meaning: 'the transition failed (an activation failed, or a service did not pass its health check) and the previous configuration is active again (or --no-rollback); with --repair: a service could not be repaired' },
    { status: EXIT_STATUS['obsolete-mappings-rollback-failed'], meaning: 'the transition failed and restoring the obsolete services failed' },
    { status: EXIT_STATUS['new-mappings-rollback-failed'], meaning: 'the transition failed and deactivating the new services failed' },
  ],
  async run({ opts, args: [manifestPath], session, io }) {
    const [{ readManifest }, deployLib, { loadPreviousManifest }] = await Promise.all([
      import('@disnix-ts/libmanifest'),
      import('@disnix-ts/libdeploy'),
      import('../cli/manifests.js'),
    ])
    const manifest = await readManifest(manifestPath, { defaultTarget: session.hostname })
    const healthChecks = healthCheckPolicy(opts)
    if (opts.repair) {
      const { failing, status } = await deployLib.repairDeployment({ ...session.context, profile: opts.profile, manifest, healthChecks })
      if (status !== 'success') {
        session.progress({ kind: 'message', text: 'ERROR: The repair failed! Inspect the services named above.' })
        return EXIT_STATUS.failed
      }
      for (const s of failing) session.progress({ kind: 'message', target: s.target, text: `Repaired service: ${s.name}` })
      session.progress({ kind: 'message', text: `Repaired ${failing.length} service${failing.length === 1 ? '' : 's'}` })
      return EXIT_STATUS.success
    }
    const previous = opts.upgrade
      ? await loadPreviousManifest({ ...opts, user: session.user }, session.hostname, session.progress)
      : (session.progress({ kind: 'message', text: 'Forced to do no upgrade! Ignoring the previous manifest file!' }), {})
    // A dry run's plan is its result: on stdout, as the original prints it; it changes nothing to sum up.
    const progress: ProgressSink = opts.dryRun
      ? (event) => {
          if (event.kind === 'message') return session.progress(event)
          const line = event.kind === 'step' ? plainLine(event) : undefined
          if (line !== undefined) io.stdout.write(`${line}\n`)
        }
      : session.progress
    const status = await deployLib.activateSystem({ ...session.context, progress, profile: opts.profile, manifest, oldManifest: previous.manifest, noRollback: !opts.rollback, dryRun: opts.dryRun, healthChecks })
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
