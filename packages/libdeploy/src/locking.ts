import { DisnixError, progressError, withPhase } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'
import { errorText, manifestClient, type DeployContext } from './deploy-context.js'
import { isTargetLoss, lossReason, lostReasons, TargetsLostError } from './target-loss.js'

export interface LockOptions extends DeployContext {
  manifest: Manifest
  profile: string
  /** For the recovery command of a failure: `--coordinator-profile-path` and the manifest, when given. */
  coordinatorProfilePath?: string
  manifestPath?: string
  /** Only these targets of the manifest (disnix-lock --target); default: all of them. */
  targets?: readonly string[]
}

/**
 * Locks the profile on every target of the manifest, all at once (spec §5.3). All or none: when one
 * target refuses, or the user interrupts, the targets that were locked are unlocked again.
 */
export async function lockTargets(options: LockOptions): Promise<void> {
  await withPhase(options.progress, 'lock', () => lockAll(options))
}

async function lockAll(options: LockOptions): Promise<void> {
  const { manifest, profile, progress } = options
  const targets = targetsOf(options)
  const locked: string[] = []
  const failed: string[] = []
  const lost = new Map<string, string>()
  await Promise.all(
    targets.map(async (targetName) => {
      progress({ kind: 'step', target: targetName, step: 'lock', status: 'start', text: `Acquiring a lock on profile: ${profile}` })
      try {
        // The lock itself is never cancelled half-way: an interruption is handled below by unlocking.
        await manifestClient(manifest, targetName, options, { cancellable: false }).call({ op: 'lock', profile })
        locked.push(targetName)
        progress({ kind: 'step', target: targetName, step: 'lock', status: 'done' })
      } catch (error) {
        failed.push(targetName)
        if (isTargetLoss(error)) lost.set(targetName, lossReason(error))
        progress({ kind: 'step', target: targetName, step: 'lock', status: 'failed', text: `Cannot lock profile: ${profile}`, error: progressError(error) })
      }
    }),
  )
  const interrupted = options.signal?.aborted === true
  if (failed.length === 0 && !interrupted) return
  if (interrupted) progress({ kind: 'message', text: 'The lock phase has been interrupted, unlocking all targets again...' })
  const stillLocked = await unlockOnly(options, locked)
  if (interrupted) throw new DisnixError('INTERRUPTED', 'Locking was interrupted; no target is left locked')
  if (lost.size > 0 && lost.size === failed.length) {
    // The lock request may have reached a lost target before its link went: it may hold the lock.
    const names = [...lost.keys()].sort()
    const others = stillLocked.length > 0 ? `; the lock on ${stillLocked.join(', ')} could not be released` : locked.length > 0 ? `; ${locked.sort().join(', ')} ${locked.length === 1 ? 'was' : 'were'} unlocked again` : ''
    throw new TargetsLostError('lock', lost, `Cannot lock profile: ${profile}: ${lostReasons(lost)}${others}`, {
      hint: `${names.join(', ')} may hold the lock if the request reached ${names.length === 1 ? 'it' : 'them'}; when reachable again, release it with: ${unlockCommand({ ...options, targets: names })}`,
    })
  }
  throw new DisnixError('LOCK_FAILED', `Cannot lock profile: ${profile} on: ${failed.sort().join(', ')}`, {
    hint: `another deployment may be running; when none is, release stale locks with: ${unlockCommand(options)}`,
  })
}

/** Releases the profile lock on every target (spec §5.3); fails after trying all when any fails. */
export async function unlockTargets(options: LockOptions): Promise<void> {
  const lost = new Map<string, string>()
  const failed = await withPhase(options.progress, 'unlock', () => unlockOnly(options, targetsOf(options), lost), (failed) => failed.length > 0)
  if (failed.length > 0 && lost.size === failed.length) {
    throw new TargetsLostError('unlock', lost, `Cannot unlock profile: ${options.profile}: ${lostReasons(lost)}`, {
      hint: `when reachable again, release the lock with: ${unlockCommand({ ...options, targets: [...lost.keys()].sort() })}`,
    })
  }
  if (failed.length > 0) {
    throw new DisnixError('UNLOCK_FAILED', `Cannot unlock profile: ${options.profile} on: ${failed.join(', ')}`)
  }
}

/** The targets a lock or unlock acts on: the manifest's, or those of them given with `targets`. */
function targetsOf(options: LockOptions): string[] {
  const all = Object.keys(options.manifest.profiles).sort()
  if (options.targets === undefined) return all
  const unknown = options.targets.filter((t) => !all.includes(t))
  if (unknown.length > 0) throw new DisnixError('USAGE', `Not a target of the manifest: ${unknown.join(', ')} (its targets: ${all.join(', ')})`)
  return all.filter((t) => options.targets!.includes(t))
}

/** The command that releases the locks of this same deployment (profile, coordinator profile path, manifest). */
export function unlockCommand(options: Pick<LockOptions, 'profile' | 'coordinatorProfilePath' | 'manifestPath' | 'targets'>): string {
  const path = options.coordinatorProfilePath ? ` --coordinator-profile-path ${options.coordinatorProfilePath}` : ''
  const only = (options.targets ?? []).map((t) => ` --target ${t}`).join('')
  return `disnix-lock --unlock${only} -p ${options.profile}${path}${options.manifestPath ? ` ${options.manifestPath}` : ''}`
}

/**
 * Releases the locks a deployment that is gone left on `targets` (their interfaces from whichever
 * manifest knows them); returns the targets that could not be unlocked. A target that holds no lock
 * any more is fine.
 */
export async function releaseLeftLocks(options: LockOptions, targets: readonly string[], manifests: readonly Manifest[]): Promise<string[]> {
  const failed: string[] = []
  await Promise.all(
    targets.map(async (targetName) => {
      const manifest = manifests.find((m) => m.infrastructure[targetName] !== undefined)
      if (!manifest) {
        failed.push(targetName)
        return
      }
      options.progress({ kind: 'step', target: targetName, step: 'unlock', status: 'start', text: `Releasing the lock left on profile: ${options.profile}` })
      try {
        await manifestClient(manifest, targetName, options, { cancellable: false }).call({ op: 'unlock', profile: options.profile })
        options.progress({ kind: 'step', target: targetName, step: 'unlock', status: 'done' })
      } catch (error) {
        // "There is no lock file!": the deployment that is gone had not locked it, or already unlocked it.
        const text = errorText(error)
        if (/There is no lock file/.test(text)) {
          options.progress({ kind: 'step', target: targetName, step: 'unlock', status: 'done', text: `No lock was left on profile: ${options.profile}` })
          return
        }
        failed.push(targetName)
        options.progress({ kind: 'step', target: targetName, step: 'unlock', status: 'failed', text: `Cannot release the lock left on profile: ${options.profile}\n${text}` })
      }
    }),
  )
  return failed.sort()
}

async function unlockOnly(options: LockOptions, targets: readonly string[], lost?: Map<string, string>): Promise<string[]> {
  const { manifest, profile, progress } = options
  const failed: string[] = []
  await Promise.all(
    targets.map(async (targetName) => {
      progress({ kind: 'step', target: targetName, step: 'unlock', status: 'start', text: `Releasing a lock on profile: ${profile}` })
      try {
        await manifestClient(manifest, targetName, options, { cancellable: false }).call({ op: 'unlock', profile })
        progress({ kind: 'step', target: targetName, step: 'unlock', status: 'done' })
      } catch (error) {
        failed.push(targetName)
        if (isTargetLoss(error)) lost?.set(targetName, lossReason(error))
        progress({ kind: 'step', target: targetName, step: 'unlock', status: 'failed', text: `Cannot unlock profile: ${profile}`, error: progressError(error) })
      }
    }),
  )
  return failed.sort()
}
