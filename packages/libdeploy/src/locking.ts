import { DisnixError, progressError, withPhase } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'
import { errorText, manifestClient, type DeployContext } from './deploy-context.js'

export interface LockOptions extends DeployContext {
  manifest: Manifest
  profile: string
  /** For the recovery command of a failure: `--coordinator-profile-path` and the manifest, when given. */
  coordinatorProfilePath?: string
  manifestPath?: string
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
  const targets = Object.keys(manifest.profiles).sort()
  const locked: string[] = []
  const failed: string[] = []
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
        progress({ kind: 'step', target: targetName, step: 'lock', status: 'failed', text: `Cannot lock profile: ${profile}`, error: progressError(error) })
      }
    }),
  )
  const interrupted = options.signal?.aborted === true
  if (failed.length === 0 && !interrupted) return
  if (interrupted) progress({ kind: 'message', text: 'The lock phase has been interrupted, unlocking all targets again...' })
  await unlockOnly(options, locked)
  if (interrupted) throw new DisnixError('INTERRUPTED', 'Locking was interrupted; no target is left locked')
  throw new DisnixError('LOCK_FAILED', `Cannot lock profile: ${profile} on: ${failed.sort().join(', ')}`, {
    hint: `another deployment may be running; when none is, release stale locks with: ${unlockCommand(options)}`,
  })
}

/** Releases the profile lock on every target (spec §5.3); fails after trying all when any fails. */
export async function unlockTargets(options: LockOptions): Promise<void> {
  const failed = await withPhase(options.progress, 'unlock', () => unlockOnly(options, Object.keys(options.manifest.profiles).sort()), (failed) => failed.length > 0)
  if (failed.length > 0) {
    throw new DisnixError('UNLOCK_FAILED', `Cannot unlock profile: ${options.profile} on: ${failed.join(', ')}`)
  }
}

/** The command that releases the locks of this same deployment (profile, coordinator profile path, manifest). */
export function unlockCommand(options: Pick<LockOptions, 'profile' | 'coordinatorProfilePath' | 'manifestPath'>): string {
  const path = options.coordinatorProfilePath ? ` --coordinator-profile-path ${options.coordinatorProfilePath}` : ''
  return `disnix-lock --unlock -p ${options.profile}${path}${options.manifestPath ? ` ${options.manifestPath}` : ''}`
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

async function unlockOnly(options: LockOptions, targets: readonly string[]): Promise<string[]> {
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
        progress({ kind: 'step', target: targetName, step: 'unlock', status: 'failed', text: `Cannot unlock profile: ${profile}`, error: progressError(error) })
      }
    }),
  )
  return failed.sort()
}
