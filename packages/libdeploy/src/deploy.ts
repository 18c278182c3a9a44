import { realpath } from 'node:fs/promises'
import { DEFAULT_MAX_CONCURRENT_TRANSFERS, DisnixError } from '@disnix-ts/libmain'
import { isValidStorePath } from '@disnix-ts/libnix'
import { coordinatorProfileDir, type Manifest, type SnapshotMapping } from '@disnix-ts/libmanifest'
import { migrate, snapshotBeforeProvider, stateInDeactivatedContainers, StateStepError, type StateStep } from '@disnix-ts/libmigrate'
import { activateSystem, transitionPlanFor, TransitionStatus, type LostDuringTransition } from './activate-system.js'
import type { DeployContext } from './deploy-context.js'
import { distribute } from './distribute.js'
import { claimDeploymentLock, describeOwner, keepDeploymentLockFor, releaseDeploymentLock } from './deployment-lock.js'
import { lockTargets, releaseLeftLocks, unlockCommand, unlockTargets } from './locking.js'
import { bringReachableBack, restoreReachable, type InFlight } from './restore-reachable.js'
import { setProfiles, SetProfilesError } from './set-profiles.js'
import { isTargetLoss, lossReason, lostReasons, mayHaveReached, targetLostError, TargetsLostError } from './target-loss.js'
import { TransitionError } from './transition-error.js'
import { DEFAULT_HEALTH_CHECK_POLICY, type HealthCheckPolicy } from './wait-until-healthy.js'
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
  /**
   * Whether manifestPath is a valid path of the Nix store, when the caller started that check early
   * (a nix-store process that runs while the manifests are parsed); checked here otherwise.
   */
  manifestInStore?: Promise<boolean>
}

/**
 * disnix-deploy (spec §5.7): distribute → lock → activate → migrate → set profiles → unlock, all in
 * this process as the original's libdeploy does. Throws a DisnixError whose code and hint say what is
 * left and how to recover (MIGRATION_FAILED: the new configuration is active, its state is not; TARGET_LOST
 * with a per-target account when a target is lost in any phase, also while the data migrates);
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
  // The same deployment: --delete-state too, so that the state this one would have deleted is.
  const finishCommand = () => finishDeploymentCommand(options)

  progress({ kind: 'message', text: 'Distributing intra-dependency closures...' })
  try {
    await distribute(options)
  } catch (error) {
    if (!(error instanceof TargetsLostError)) throw error
    throw lostBeforeAnyChange(error, options, finishCommand(), 'nothing was changed on any target (only closures were copied)')
  }

  const lockOptions = { ...options, manifest, profile: options.profile }
  const owner = { coordinatorProfilePath: coordinatorProfileDir({ path: options.coordinatorProfilePath, user: options.user }), profile: options.profile }
  if (options.noLock) progress({ kind: 'message', text: 'Not acquiring any locks...' })
  else {
    progress({ kind: 'message', text: 'Acquiring locks...' })
    try {
      await lockAsOwner(lockOptions, owner)
    } catch (error) {
      if (!(error instanceof TargetsLostError)) throw error
      throw lostBeforeAnyChange(error, options, finishCommand(), 'no service was touched', 'may hold this deployment\'s lock (the finish command releases it first)')
    }
  }
  // Targets found unreachable: their locks are not asked for again; the next run releases them.
  const lostTargets = new Set<string>()
  const release = async () => {
    if (options.noLock) return
    progress({ kind: 'message', text: 'Releasing locks...' })
    const reachable = Object.keys(manifest.profiles).filter((t) => !lostTargets.has(t))
    try {
      if (reachable.length > 0) await unlockTargets({ ...lockOptions, targets: reachable })
    } catch (error) {
      if (error instanceof TargetsLostError) for (const t of error.lost.keys()) lostTargets.add(t)
      if (lostTargets.size > 0) await keepDeploymentLockFor(owner, [...lostTargets])
      throw error
    }
    if (lostTargets.size > 0) await keepDeploymentLockFor(owner, [...lostTargets])
    else await releaseDeploymentLock(owner)
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
    const lost = new Map<string, LostDuringTransition>()
    const done = new Map<string, 'activated' | 'deactivated'>()
    const status = await activateSystem({
      ...options,
      manifest,
      oldManifest,
      noRollback: options.noRollback,
      healthChecks: options.healthChecks,
      lost,
      done,
      afterDeactivate: async (mapping) => {
        const item = providerBound.get(mappingKey(mapping))
        if (item === undefined) return
        await snapshotBeforeProvider(item, stateOptions)
        snapshotted.push(item.mapping)
      },
    })
    for (const t of lost.keys()) lostTargets.add(t)
    if (status !== TransitionStatus.Success && lost.size > 0) {
      // The rollback could not re-activate what depends on a lost target's services: go back from where the reachable targets are.
      if (status !== TransitionStatus.Failed && oldManifest && !options.noRollback) {
        await bringReachableBack({ ...options, manifest, oldManifest, lost: [...lost.keys()], done })
      }
      throw lostInTransition(status, { lost, done }, { ...options, manifest, oldManifest }, finishCommand())
    }
    if (status !== TransitionStatus.Success) throw transitionError(status, options)

    if (!options.noMigration) progress({ kind: 'message', text: 'Migrating data...' })
    if (!options.noMigration && hasStatefulServices(manifest, options.oldManifest)) {
      try {
        await migrate({ ...stateOptions, snapshotted })
      } catch (error) {
        const lostInMigration = lostDuringMigration(error)
        if (lostInMigration && options.oldManifest && !options.noRollback) {
          // The new configuration is active on the reachable targets, the data only partly moved: they
          // go back to the previous configuration (their data stays as it is), the finish command
          // migrates again from there.
          for (const t of lostInMigration.keys()) lostTargets.add(t)
          await restoreReachable({
            ...options,
            manifest,
            oldManifest: options.oldManifest,
            lost: [...lostInMigration.keys()],
            lostNote: options.noLock ? undefined : KEEPS_LOCK,
            inFlight: new Map([...lostInMigration].map(([t, { state }]) => [t, { state }])),
            cause: `The data migration failed: ${lostReasons(new Map([...lostInMigration].map(([t, { reason }]) => [t, reason])))}`,
            finishCommand: finishCommand(),
            goBackNote: reachableGoBackNote([...lostInMigration.keys()], options),
          })
        }
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
      for (const t of error.lost.keys()) lostTargets.add(t)
      // A set request sent over a connection that then stopped answering may have been carried out.
      const inFlight = new Map<string, InFlight>([...error.lost].map(([t, reason]) => [t, { profile: mayHaveReached(reason) }]))
      await restoreReachable({
        inFlight,
        ...options,
        manifest,
        oldManifest: options.oldManifest,
        lost: error.targets,
        lostNote: options.noLock ? undefined : KEEPS_LOCK,
        cause: `Setting the profiles failed: ${error.message.replace(/^Cannot set the Disnix profile on: /, '')}`,
        finishCommand: finishCommand(),
        goBackNote: reachableGoBackNote(error.targets, options),
      })
    }
  } catch (error) {
    await release().catch(() => {})
    throw error
  }
  try {
    await release()
  } catch (error) {
    if (!(error instanceof TargetsLostError)) throw error
    // Every profile is set: the deployment is done; only a lock may be left on the lost targets.
    const names = [...error.lost.keys()].sort()
    throw new DisnixError(
      'LOCK_LEFT',
      `The deployment is done: the new configuration is active and every profile is set; but ${names.join(', ')} ${names.length === 1 ? 'was' : 'were'} lost while the locks were released (${lostReasons(error.lost)}), so ${names.length === 1 ? 'it' : 'they'} may keep this deployment's lock`,
      { hint: `when ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} reachable again, release the lock with: ${unlockCommand({ ...lockOptions, coordinatorProfilePath: options.coordinatorProfilePath, manifestPath: options.manifestPath, targets: names })} (the next deployment of this profile releases it too)` },
    )
  }

  if (options.oldManifest && !options.deleteState && hasObsoleteState(manifest, options.oldManifest) && options.oldManifestPath) {
    progress({
      kind: 'message',
      text: `NOTE: The state of services that moved or were removed has not been deleted. Delete it with: disnix-delete-state ${profileArguments(options)} ${options.oldManifestPath}`,
    })
  }
}

const STATE_ACTIVITY: Record<Exclude<StateStep, 'delete'>, (component: string) => string> = {
  snapshot: (c) => `the snapshot of the state of ${c}`,
  retrieve: (c) => `the retrieval of the snapshot of ${c}`,
  send: (c) => `the transfer of the snapshot of ${c}`,
  restore: (c) => `the restore of the state of ${c}`,
}

/**
 * The targets a failed data migration lost (could not reach, or stopped answering), with why and the
 * state activity that was running there; undefined when no target was lost (a failing state step).
 * Not while the obsolete state is deleted (--delete-state): the state has moved by then and may be
 * gone from the previous configuration's targets, so going back to it is no way back.
 */
function lostDuringMigration(error: unknown): Map<string, { reason: string; state: string }> | undefined {
  if (!(error instanceof StateStepError) || error.step === 'delete') return undefined
  const lost = new Map<string, { reason: string; state: string }>()
  for (const failure of error.failures) {
    if (!isTargetLoss(failure.error) || lost.has(failure.target)) continue
    lost.set(failure.target, { reason: lossReason(failure.error), state: STATE_ACTIVITY[error.step](failure.component) })
  }
  return lost.size > 0 ? lost : undefined
}

const KEEPS_LOCK = 'it keeps this deployment\'s lock (the finish command releases it first)'

/**
 * The account of targets lost before any service was touched (while distributing or locking): every
 * target still runs the previous configuration; the lost ones were last seen in it.
 */
function lostBeforeAnyChange(error: TargetsLostError, options: DeployOptions, finishCommand: string, what: string, lostNote?: string): DisnixError {
  const lost = [...error.lost.keys()].sort()
  const targets = [...new Set([...Object.keys(options.manifest.profiles), ...Object.keys(options.oldManifest?.profiles ?? {})])].sort()
  const previous = options.oldManifest ? 'the previous configuration is active' : 'nothing is deployed'
  const lines = targets.map((t) =>
    error.lost.has(t) ? `${t}: unreachable; last known state: ${options.oldManifest ? 'the previous configuration' : 'nothing deployed'}${lostNote ? `; it ${lostNote}` : ''}` : `${t}: unchanged: ${previous}`,
  )
  return targetLostError({ cause: `${error.message}; ${what}:`, lines, lost, finishCommand })
}

/**
 * The account of targets lost during the transition, from what every activity that succeeded left
 * (`done`): a reachable target is back when every mapping it had is active and none that only the new
 * configuration has is; the activity that ran on a lost target when it was lost may or may not have
 * happened there (the finish command repeats it).
 */
function lostInTransition(
  status: Exclude<TransitionStatus, 'success'>,
  outcome: { lost: ReadonlyMap<string, LostDuringTransition>; done: ReadonlyMap<string, 'activated' | 'deactivated'> },
  options: DeployOptions & { oldManifest?: Manifest },
  finishCommand: string,
): DisnixError {
  const { lost, done } = outcome
  const { manifest, oldManifest } = options
  const names = [...lost.keys()].sort()
  const targets = [...new Set([...Object.keys(manifest.profiles), ...Object.keys(oldManifest?.profiles ?? {})])].sort()
  const before = new Set((oldManifest?.serviceMappings ?? []).map(mappingKey))
  const name = (key: string) => manifest.services[key]?.name ?? oldManifest?.services[key]?.name ?? key
  // What differs from the previous configuration on a target: old services down, new ones up.
  const differences = (target: string) => [
    ...(oldManifest?.serviceMappings ?? []).filter((m) => m.target === target && done.get(mappingKey(m)) === 'deactivated').map((m) => `${name(m.service)} deactivated`),
    ...manifest.serviceMappings.filter((m) => m.target === target && !before.has(mappingKey(m)) && done.get(mappingKey(m)) === 'activated').map((m) => `${name(m.service)} (new) activated`),
  ]
  let allBack = true
  const lines = targets.map((t) => {
    const changed = differences(t)
    const gone = lost.get(t)
    if (gone) {
      const state = `the previous configuration${changed.length > 0 ? ` with ${changed.join(', ')}` : ''}`
      return `${t}: unreachable; last known state: ${state}, except the ${gone.during}, which was running when it was lost and may or may not have happened${options.noLock ? '' : `; ${KEEPS_LOCK}`}`
    }
    if (changed.length === 0) return `${t}: rolled back: the previous configuration is active`
    allBack = false
    return `${t}: not back in the previous configuration: ${changed.join(', ')} (see above)`
  })
  const reasons = names.map((t) => (lost.get(t)!.reason.startsWith(`[target: ${t}]: `) ? lost.get(t)!.reason : `[target: ${t}]: ${lost.get(t)!.reason}`)).join('; ')
  const recovery = status === TransitionStatus.Failed ? undefined : transitionRecoveryCommand(status, options)
  return targetLostError({
    cause: `The transition failed: ${reasons}; ${allBack ? 'the deployment was undone where possible' : 'the way back failed on the reachable targets too'}:`,
    lines,
    lost: names,
    finishCommand,
    ...(recovery && !allBack ? { note: goBackNote(recovery, names, options) } : {}),
  })
}

/**
 * The way back to the previous configuration when the reachable targets could not be brought back:
 * the disnix-activate command that finishes the rollback, then (the lost targets keep this
 * deployment's lock) the disnix-lock command that releases what they hold.
 */
function goBackNote(recovery: string, lost: readonly string[], options: DeployOptions): string {
  const once = `once ${lost.join(', ')} ${lost.length === 1 ? 'is' : 'are'} reachable again and the cause is fixed`
  if (options.noLock) return `to go back instead (${once}), run: ${recovery}`
  const unlock = unlockCommand({ profile: options.profile, coordinatorProfilePath: options.coordinatorProfilePath, manifestPath: options.manifestPath, targets: [...lost] })
  return `to go back instead (${once}), run: ${recovery} and release the lock left on ${lost.join(', ')} with: ${unlock}`
}

/** goBackNote for a way back after the transition (the previous configuration activated again). */
function reachableGoBackNote(lost: readonly string[], options: DeployOptions): string | undefined {
  const recovery = transitionRecoveryCommand(TransitionStatus.ObsoleteMappingsRollbackFailed, options)
  return recovery === undefined ? undefined : goBackNote(recovery, lost, options)
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
    // A lost target may hold the lock: the record stays, naming it, for the next run to release.
    if (error instanceof TargetsLostError) await keepDeploymentLockFor(owner, [...error.lost.keys()])
    else await releaseDeploymentLock(owner)
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
/**
 * The command that finishes a deployment a lost target interrupted: the same manifest and profile, and
 * every option of this run that changes what a deployment does (the defaults left out), so that the
 * finishing run deploys as this one would have. The previous configuration it reads from the
 * coordinator profile again (no -o).
 */
export function finishDeploymentCommand(options: DeployOptions): string {
  const words: string[] = [profileArguments(options)]
  if (options.maxConcurrentTransfers !== DEFAULT_MAX_CONCURRENT_TRANSFERS) words.push(`-m ${options.maxConcurrentTransfers}`)
  if (options.noUpgrade) words.push('--no-upgrade')
  if (options.noRollback) words.push('--no-rollback')
  if (options.noMigration) words.push('--no-migration')
  if (options.noLock) words.push('--no-lock')
  if (options.deleteState) words.push('--delete-state')
  if (options.transferOnly) words.push('--transfer-only')
  if (options.depthFirst) words.push('--depth-first')
  if (options.all) words.push('--all')
  if (options.keep !== undefined && options.keep !== DEFAULT_KEEP) words.push(`--keep ${options.keep}`)
  if (options.noCoordinatorProfile) words.push('--no-coordinator-profile')
  if (options.noTargetProfiles) words.push('--no-target-profiles')
  if (options.healthChecks === false) words.push('--no-health-checks')
  else if (options.healthChecks !== undefined && options.healthChecks.timeoutMs !== DEFAULT_HEALTH_CHECK_POLICY.timeoutMs) {
    words.push(`--health-check-timeout ${options.healthChecks.timeoutMs / 1000}`)
  }
  return `disnix-deploy ${words.join(' ')} ${options.manifestPath}`
}

/** disnix-deploy's default of --keep (libmain's keepOption): left out of a printed command. */
const DEFAULT_KEEP = 1

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

/** Whether `path` (after symlinks) is a valid path of the Nix store: the check of a manifest the coordinator profile can record. */
export async function manifestIsStorePath(path: string, options: { nixEnv?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<boolean> {
  return isValidStorePath(await realpath(path), { env: options.nixEnv, signal: options.signal })
}

/**
 * The coordinator profile is a Nix profile, so it can only record a manifest in the Nix store. The
 * original found out at the very end, after every service had been activated; we refuse before
 * anything is copied.
 */
async function checkManifestInStore(options: DeployOptions): Promise<void> {
  if (await (options.manifestInStore ?? manifestIsStorePath(options.manifestPath, options))) return
  throw new DisnixError('MANIFEST_INVALID', `The manifest: ${options.manifestPath} is not in the Nix store, so the coordinator profile cannot record it`, {
    hint: 'deploy the manifest that disnix-manifest built (its store path), or use --no-coordinator-profile',
  })
}
