import { realpath } from 'node:fs/promises'
import { resolve } from 'node:path'
import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, DisnixError, envFlag, keepOption, maxConcurrentTransfersOption, profileOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'
import { healthCheckOptions, healthCheckPolicy, type HealthCheckOptions } from '../cli/health-check-options.js'

export interface DisnixDeployOptions extends CoordinatorOptions, HealthCheckOptions {
  maxConcurrentTransfers: number
  oldManifest?: string
  profile: string
  coordinatorProfilePath?: string
  upgrade: boolean
  migration: boolean
  lock: boolean
  rollback: boolean
  deleteState?: boolean
  transferOnly?: boolean
  depthFirst?: boolean
  all?: boolean
  keep: number
  coordinatorProfile: boolean
  targetProfiles: boolean
  dryRun?: boolean
}

export const disnixDeploy = defineTool<DisnixDeployOptions, CoordinatorSession, [manifest: string]>({
  name: 'disnix-deploy',
  summary: 'Deploy a manifest: distribute closures, lock, activate, migrate state, set profiles, unlock',
  session: coordinatorSession,
  arguments: [new Argument('<manifest>', 'Manifest file of the new configuration')],
  options: [
    maxConcurrentTransfersOption(),
    new Option('-o, --old-manifest <file>', 'Manifest of the configuration that is active now (default: the last deployed one)'),
    profileOption(),
    coordinatorProfilePathOption(),
    new Option('--no-upgrade', 'Ignore the previous manifest: activate every service as in a first deployment'),
    new Option('--no-migration', 'Do not snapshot, transfer and restore the state of stateful services'),
    new Option('--no-lock', 'Do not lock the targets'),
    new Option('--no-rollback', 'Do not roll back when the transition fails'),
    new Option('--delete-state', 'Delete the obsolete state of services that moved or were removed (also DISNIX_DELETE_STATE=1)'),
    new Option('--transfer-only', 'Transfer snapshots, but do not snapshot or restore'),
    new Option('--depth-first', 'Snapshot, transfer and restore one service at a time, cleaning old snapshots as it goes'),
    new Option('--all', 'Transfer all snapshot generations instead of only the latest'),
    keepOption(),
    new Option('--no-coordinator-profile', 'Do not set the coordinator profile'),
    new Option('--no-target-profiles', 'Do not set the profiles on the targets'),
    new Option('--dry-run', 'Print what would be transferred, deactivated and activated per target, and change nothing'),
    ...healthCheckOptions(),
  ],
  environment: [
    { name: 'DISNIX_DELETE_STATE', meaning: 'When 1, acts as --delete-state' },
    { name: 'DISNIX_ARGV_ON_STDIN', meaning: 'When 1 (disnix-env sets it): start at once, then read the command line from stdin as a JSON array of strings; empty input: exit 0 without doing anything' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'deployed' },
    { status: 1, meaning: 'the deployment failed (also: a service did not pass its health check); the previous configuration is active; a target lost on the way (TARGET_LOST, also while the data migrates) is accounted for per target, with the command that finishes the deployment' },
    { status: 2, meaning: 'the state migration failed, no target lost (the new configuration is active; see the hint)', codes: ['MIGRATION_FAILED'] },
    { status: 3, meaning: 'deployed (every profile is set), but a target was lost while its lock was released: it may keep the lock; the hint prints the disnix-lock --unlock --target command', codes: ['LOCK_LEFT'] },
  ],
  // What run loads on demand, loaded ahead while disnix-env builds the manifest (DISNIX_ARGV_ON_STDIN).
  preload: () =>
    Promise.all([import('@disnix-ts/libmanifest'), import('@disnix-ts/libdeploy'), import('../cli/manifests.js'), import('../cli/state-options.js'), import('@disnix-ts/disnix-ssh')]),
  async run({ opts, args: [manifestArg], session, io }) {
    const [{ readManifest }, deployLib, { loadPreviousManifest, previousManifestFile }] = await Promise.all([
      import('@disnix-ts/libmanifest'),
      import('@disnix-ts/libdeploy'),
      import('../cli/manifests.js'),
    ])
    const manifestArgPath = resolve(manifestArg)
    // The store check of the manifest (a nix-store process) runs while the manifests are parsed.
    const inStore = opts.coordinatorProfile && !opts.dryRun ? deployLib.manifestIsStorePath(manifestArgPath, session.context) : undefined
    inStore?.catch(() => undefined)
    const [built, builtRealPath] = await Promise.all([readManifest(manifestArgPath, { defaultTarget: session.hostname }), realpath(manifestArgPath).catch(() => manifestArgPath)])
    // A redeployment of the deployed configuration: the previous manifest is the same file, read once.
    const previous = await loadPreviousManifest({ ...opts, user: session.user }, session.hostname, session.progress, { path: builtRealPath, manifest: built })
    const { manifest, manifestPath, keptDeployed } = await deployLib.keepEquivalentDeployment({
      manifest: built,
      manifestPath: manifestArgPath,
      oldManifest: previous.manifest,
      oldManifestPath: previous.path,
    })
    if (keptDeployed) session.progress({ kind: 'message', text: `The new configuration is the deployed one (same manifest, same profile contents); keeping: ${manifestPath}` })
    // The coordinator profile is read again under the locks, also when -o names one of its generations
    // (disnix-env passes the newest one it saw when it started building): another deployment may have
    // finished since, even before this process started. Only a manifest the profile never held is kept.
    // Its manifest is parsed again only when the profile moved; the same file is the manifest read above.
    const location = { ...opts, oldManifest: undefined, user: session.user }
    const fromProfile = async () => ((await previousManifestFile(location)) === previous.path ? previous : loadPreviousManifest(location, session.hostname, () => {}))
    const underLocks = async () => (opts.oldManifest === undefined || (await isGenerationOf(opts, session.user, previous.path)) ? fromProfile : undefined)
    if (opts.dryRun) {
      const plan = await deployLib.planDeployment({ ...session.context, manifest, oldManifest: opts.upgrade ? previous.manifest : undefined })
      io.stdout.write(deployLib.formatDeploymentPlan(plan))
      return
    }
    try {
      const { snapshotStoreOf } = await import('../cli/state-options.js')
      await deployLib.deploy({
        ...session.context,
        snapshotStore: await snapshotStoreOf(opts.profile, io),
        manifest,
        manifestPath,
        oldManifest: previous.manifest,
        oldManifestPath: previous.path,
        profile: opts.profile,
        coordinatorProfilePath: opts.coordinatorProfilePath,
        user: session.user,
        maxConcurrentTransfers: opts.maxConcurrentTransfers,
        noUpgrade: !opts.upgrade,
        noRollback: !opts.rollback,
        noMigration: !opts.migration,
        noLock: !opts.lock,
        deleteState: opts.deleteState === true || envFlag(io.env, 'DISNIX_DELETE_STATE'),
        transferOnly: opts.transferOnly,
        depthFirst: opts.depthFirst,
        all: opts.all,
        keep: opts.keep,
        noCoordinatorProfile: !opts.coordinatorProfile,
        noTargetProfiles: !opts.targetProfiles,
        healthChecks: healthCheckPolicy(opts),
        readPreviousManifest: await underLocks(),
        manifestInStore: manifestPath === manifestArgPath ? inStore : undefined,
      })
    } catch (error) {
      // LOCK_LEFT: the deployment is done; its message says what is left.
      if (!(error instanceof DisnixError && error.code === 'LOCK_LEFT')) session.progress({ kind: 'message', text: 'The deployment failed! Please inspect the output to diagnose any problems!' })
      throw error
    }
  },
})

/** Whether a manifest is one of the coordinator profile's generations. */
async function isGenerationOf(opts: DisnixDeployOptions, user: string, path: string | undefined): Promise<boolean> {
  if (path === undefined) return false
  const [{ realpath }, { coordinatorProfileDir, generationLinks }] = await Promise.all([import('node:fs/promises'), import('@disnix-ts/libnix')])
  const links = await generationLinks(coordinatorProfileDir({ path: opts.coordinatorProfilePath, user }), opts.profile)
  for (const link of links) if ((await realpath(link.path)) === path) return true
  return false
}
