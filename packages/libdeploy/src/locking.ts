import { DisnixError } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'
import { errorText, manifestClient, type DeployContext } from './deploy-context.js'

export interface LockOptions extends DeployContext {
  manifest: Manifest
  profile: string
}

/**
 * Locks the profile on every target of the manifest, all at once (spec §5.3). All or none: when one
 * target refuses, or the user interrupts, the targets that were locked are unlocked again.
 */
export async function lockTargets(options: LockOptions): Promise<void> {
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
        progress({ kind: 'step', target: targetName, step: 'lock', status: 'failed', text: `Cannot lock profile: ${profile}\n${errorText(error)}` })
      }
    }),
  )
  const interrupted = options.signal?.aborted === true
  if (failed.length === 0 && !interrupted) return
  if (interrupted) progress({ kind: 'message', text: 'The lock phase has been interrupted, unlocking all targets again...' })
  await unlockOnly(options, locked)
  if (interrupted) throw new DisnixError('INTERRUPTED', 'Locking was interrupted; no target is left locked')
  throw new DisnixError('LOCK_FAILED', `Cannot lock profile: ${profile} on: ${failed.sort().join(', ')}`, {
    hint: `another deployment may be running; when none is, release stale locks with: disnix-lock --unlock -p ${profile}`,
  })
}

/** Releases the profile lock on every target (spec §5.3); fails after trying all when any fails. */
export async function unlockTargets(options: LockOptions): Promise<void> {
  const failed = await unlockOnly(options, Object.keys(options.manifest.profiles).sort())
  if (failed.length > 0) {
    throw new DisnixError('UNLOCK_FAILED', `Cannot unlock profile: ${options.profile} on: ${failed.join(', ')}`)
  }
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
        progress({ kind: 'step', target: targetName, step: 'unlock', status: 'failed', text: `Cannot unlock profile: ${profile}\n${errorText(error)}` })
      }
    }),
  )
  return failed.sort()
}
