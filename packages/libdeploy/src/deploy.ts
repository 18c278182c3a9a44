import { realpath } from 'node:fs/promises'
import { DisnixError } from '@disnix-ts/libmain'
import { isValidStorePath } from '@disnix-ts/libnix'
import { coordinatorProfileDir, type Manifest, type SnapshotMapping } from '@disnix-ts/libmanifest'
import { migrate, snapshotBeforeProvider, stateInDeactivatedContainers } from '@disnix-ts/libmigrate'
import { activateSystem, transitionPlanFor, TransitionStatus } from './activate-system.js'
import type { DeployContext } from './deploy-context.js'
import { distribute } from './distribute.js'
import { claimDeploymentLock, describeOwner, releaseDeploymentLock } from './deployment-lock.js'
import { lockTargets, releaseLeftLocks, unlockTargets } from './locking.js'
import { restoreReachable } from './restore-reachable.js'
import { setProfiles, SetProfilesError } from './set-profiles.js'
import { TransitionError } from './transition-error.js'
import type { HealthCheckPolicy } from './wait-until-healthy.js'
import { mappingKey } from './transition-plan.js'

export interface DeployOptions extends DeployContext {
  manifest: Manifest
  manifestPath: string
  /** The active configuration (from -o or the coordinator profile); absent on a first deployment. */
  oldManifest?: Manifest
  oldManifestPath?: string
  profile: string
  coordinatorProfilePath?: string
  user: string
  maxConcurrentTransfers: number
  noUpgrade?: boolean
  noRollback?: boolean
  noMigration?: boolean
  noLock?: boolean
  deleteState?: boolean
  transferOnly?: boolean
  depthFirst?: boolean
  all?: boolean
  keep?: number
  noCoordinatorProfile?: boolean
  noTargetProfiles?: boolean
  /** The health gate after each activation (ActivateSystemOptions.healthChecks). */
  healthChecks?: HealthCheckPolicy | false
  /** The coordinator's snapshot store of the profile (libstatemgmt's profileSnapshotStore). */
  snapshotStore?: string
  /**
   * Reads the previous configuration again (the coordinator profile's manifest; absent with -o). It is
   * read once more under the locks: when another deployment finished while this one waited, the
   * transition starts from what that one left, not from what was active when this one started.
   */
  readPreviousManifest?: () => Promise<{ manifest?: Manifest; path?: string }>
}

/**
 * disnix-deploy (spec §5.7): distribute → lock → activate → migrate → set profiles → unlock, all in
 * this process as the original's libdeploy does. Throws a DisnixError whose code and hint say what is
 * left and how to recover (MIGRATION_FAILED: the new configuration is active, its state is not);
 * locks are always released.
 *
 * QUIRK §5.7 step 2: the original refuses to deploy a configuration without the service that
 * provides the container of a stateful service it had (undeploying StaffTracker's databases with their
 * PostgreSQL server), because it snapshots after the transition, when the provider is gone. We
 * snapshot such state during the transition, right after the stateful service is deactivated and
 * before its provider is; a failing snapshot fails the deactivation and so rolls back.
 */
export async function deploy(given: DeployOptions): Promise<void> {
  const { manifest, progress } = given
  let options = given
  if (!options.noCoordinatorProfile) await checkManifestInStore(options)

  progress({ kind: 'message', text: 'Distributing intra-dependency closures...' })
  await distribute(options)

  const lockOptions = { ...options, manifest, profile: options.profile }
  const owner = { coordinatorProfilePath: coordinatorProfileDir({ path: options.coordinatorProfilePath, user: options.user }), profile: options.profile }
  if (options.noLock) progress({ kind: 'message', text: 'Not acquiring any locks...' })
  else {
    progress({ kind: 'message', text: 'Acquiring locks...' })
    await lockAsOwner(lockOptions, owner)
  }
  const release = async () => {
    if (options.noLock) return
    progress({ kind: 'message', text: 'Releasing locks...' })
    await unlockTargets(lockOptions)
    await releaseDeploymentLock(owner)
  }

  try {
    if (!options.noLock && options.readPreviousManifest) options = await previousUnderLocks(options)
    const oldManifest = options.noUpgrade ? undefined : options.oldManifest
    const stateOptions = {
      ...options,
      manifest,
      oldManifest,
      noUpgrade: options.noUpgrade ?? false,
      deleteState: options.deleteState ?? false,
      transferOnly: options.transferOnly ?? false,
      depthFirst: options.depthFirst ?? false,
      all: options.all ?? false,
      keep: options.keep ?? 1,
    }
    // State whose container's provider goes away is snapshotted during the transition (see above).
    const providerBound = options.noMigration ? new Map() : stateInDeactivatedContainers(stateOptions, transitionPlanFor(manifest, oldManifest).deactivate)
    const snapshotted: SnapshotMapping[] = []
    progress({ kind: 'message', text: 'Activating new configuration...' })
    if (options.noUpgrade) progress({ kind: 'message', text: 'Forced to do no upgrade! Ignoring the previous manifest file!' })
    const status = await activateSystem({
      ...options,
      manifest,
      oldManifest,
      noRollback: options.noRollback,
      healthChecks: options.healthChecks,
      afterDeactivate: async (mapping) => {
        const item = providerBound.get(mappingKey(mapping))
        if (item === undefined) return
        await snapshotBeforeProvider(item, stateOptions)
        snapshotted.push(item.mapping)
      },
    })
    if (status !== TransitionStatus.Success) throw transitionError(status, options)

    if (!options.noMigration) progress({ kind: 'message', text: 'Migrating data...' })
    if (!options.noMigration && hasStatefulServices(manifest, options.oldManifest)) {
      try {
        await migrate({ ...stateOptions, snapshotted })
      } catch (error) {
        const old = options.oldManifestPath ? ` -o ${options.oldManifestPath}` : ''
        const where = profileArguments(options)
        throw new DisnixError('MIGRATION_FAILED', `The data migration failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
          hint: `fix the problem, then run: disnix-migrate ${where}${old} ${options.manifestPath} && disnix-set ${where} ${options.manifestPath}`,
        })
      }
    }

    progress({ kind: 'message', text: 'Setting profiles...' })
    try {
      await setProfiles({ ...options, manifest })
    } catch (error) {
      // A target lost after the transition: the others must not stay in a configuration the
      // coordinator profile does not know (no later deployment would ever remove it).
      if (!(error instanceof SetProfilesError) || !options.oldManifest || options.noRollback) throw error
      await restoreReachable({
        ...options,
        manifest,
        oldManifest: options.oldManifest,
        lost: error.targets,
        cause: error.message,
        finishCommand: `disnix-deploy ${profileArguments(options)} ${options.manifestPath}`,
      })
    }
  } catch (error) {
    await release().catch(() => {})
    throw error
  }
  await release()

  if (options.oldManifest && !options.deleteState && hasObsoleteState(manifest, options.oldManifest) && options.oldManifestPath) {
    progress({
      kind: 'message',
      text: `NOTE: The state of services that moved or were removed has not been deleted. Delete it with: disnix-delete-state ${profileArguments(options)} ${options.oldManifestPath}`,
    })
  }
}

/**
 * Locks the targets as the owner of this deployment's locks (deployment-lock): a deployment that
 * still runs is refused naming it; the locks of one that is gone (a killed coordinator on this host)
 * are released on its targets first and taken over, saying so.
 */
async function lockAsOwner(options: DeployOptions & { profile: string }, owner: { coordinatorProfilePath: string; profile: string }): Promise<void> {
  const { manifest, progress } = options
  const claim = await claimDeploymentLock({ ...owner, targets: Object.keys(manifest.profiles) })
  if (claim.takenOver) {
    const gone = claim.takenOver
    progress({ kind: 'message', text: `Taking over the locks of a deployment that is gone: ${describeOwner(gone)}` })
    const known = [manifest, ...(options.oldManifest ? [options.oldManifest] : [])]
    const left = await releaseLeftLocks(options, gone.targets, known)
    if (left.length > 0) progress({ kind: 'message', text: `The locks left on ${left.join(', ')} could not be released` })
  }
  try {
    await lockTargets(options)
  } catch (error) {
    await releaseDeploymentLock(owner)
    throw error
  }
}

/**
 * The previous configuration as the coordinator profile says now that the targets are locked: when it
 * moved since the deployment started (another deployment finished in between), the transition is
 * planned from the new one, so that no service of that deployment is left behind.
 */
async function previousUnderLocks(options: DeployOptions): Promise<DeployOptions> {
  const now = await options.readPreviousManifest!()
  if (now.path === options.oldManifestPath) return options
  options.progress({
    kind: 'message',
    text: `The coordinator profile moved while this deployment waited for the locks (another deployment finished); planning the transition from its manifest: ${now.path ?? '(none)'}`,
  })
  return { ...options, oldManifest: now.manifest, oldManifestPath: now.path }
}

function hasStatefulServices(manifest: Manifest, oldManifest: Manifest | undefined): boolean {
  return manifest.snapshotMappings.length > 0 || (oldManifest?.snapshotMappings.length ?? 0) > 0
}

function hasObsoleteState(manifest: Manifest, oldManifest: Manifest): boolean {
  const current = new Set(manifest.snapshotMappings.map((m) => `${m.target}\0${m.container}\0${m.component}`))
  return oldManifest.snapshotMappings.some((m) => !current.has(`${m.target}\0${m.container}\0${m.component}`))
}

/** `-p P [--coordinator-profile-path D]`, for the recovery commands printed after a failure. */
export function profileArguments(options: { profile: string; coordinatorProfilePath?: string }): string {
  return `-p ${options.profile}${options.coordinatorProfilePath ? ` --coordinator-profile-path ${options.coordinatorProfilePath}` : ''}`
}

export interface RecoveryOptions {
  profile: string
  coordinatorProfilePath?: string
  manifestPath: string
  /** The configuration that was active before; without it there is nothing to go back to. */
  oldManifestPath?: string
}

/**
 * The disnix-activate command that finishes what a failed rollback left (spec §5.5): for status 2 the
 * previous configuration is activated again, for status 3 the new services are deactivated.
 */
export function transitionRecoveryCommand(status: TransitionStatus, options: RecoveryOptions): string | undefined {
  const where = profileArguments(options)
  const old = options.oldManifestPath
  if (status === TransitionStatus.ObsoleteMappingsRollbackFailed && old) return `disnix-activate --no-upgrade --no-rollback ${where} ${old}`
  if (status === TransitionStatus.NewMappingsRollbackFailed) return `disnix-activate --no-rollback ${where} -o ${options.manifestPath} ${old ?? '<undeployment manifest>'}`
  return undefined
}

function transitionError(status: Exclude<TransitionStatus, 'success'>, options: DeployOptions): TransitionError {
  const command = transitionRecoveryCommand(status, options)
  const problem =
    status === TransitionStatus.ObsoleteMappingsRollbackFailed ? 'the previous configuration could not be restored' : 'new services could not be deactivated'
  const hint = command === undefined ? undefined : `${problem}; inspect the targets, then retry with: ${command}`
  const state = status === TransitionStatus.Failed ? 'the previous configuration is active again' : 'the rollback failed too'
  return new TransitionError(status, `Transition phase execution failed (${state})!`, { hint })
}

/**
 * The coordinator profile is a Nix profile, so it can only record a manifest in the Nix store. The
 * original found out at the very end, after every service had been activated; we refuse before
 * anything is copied.
 */
async function checkManifestInStore(options: DeployOptions): Promise<void> {
  const path = await realpath(options.manifestPath)
  if (await isValidStorePath(path, { env: options.nixEnv, signal: options.signal })) return
  throw new DisnixError('MANIFEST_INVALID', `The manifest: ${options.manifestPath} is not in the Nix store, so the coordinator profile cannot record it`, {
    hint: 'deploy the manifest that disnix-manifest built (its store path), or use --no-coordinator-profile',
  })
}
