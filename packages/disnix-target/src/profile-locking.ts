import { open, readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { DisnixError, hasErrorCode, isDisnixError } from '@disnix-ts/libmain'
import { readProfileManifest, type ProfileManifest } from '@disnix-ts/libmanifest'
import { notifyServices, type NotifiedService } from './notify-services.js'
import type { TargetContext } from './target-context.js'

/** The lock file of a profile: local to whoever executes the operation (spec §4.5). */
export function lockFilePath(tmpdir: string, profile: string): string {
  return join(tmpdir, `disnix-${profile}.lock`)
}

/**
 * Acquires the lock on a profile (spec §4.5): every service of the profile manifest is notified
 * (`dysnomia --operation lock`) and may refuse; if one refuses, all are notified to unlock and the
 * lock fails. Then the lock file is created exclusively, so a second lock fails.
 * The original notifies one service after the other; we notify up to NOTIFY_CONCURRENCY at once with
 * the same output in the same order (notifyServices). When one refuses, those already running finish,
 * no more are started, and every service is notified to unlock, as the original does.
 */
export async function acquireProfileLock(ctx: TargetContext, profile: string): Promise<void> {
  const services = await lockableServices(ctx, profile)
  const outcomes = await notifyServices(ctx, 'lock', services, { announce: true, stopAtFailure: true, onFailure: () => ctx.log('Cannot lock service!') })
  const refused = outcomes.find((outcome) => outcome.failed !== undefined)
  if (refused !== undefined) {
    await notifyServices(ctx, 'unlock', services, { announce: false, stopAtFailure: false })
    throw new DisnixError('LOCK_FAILED', `Cannot acquire lock on profile: ${profile}: service ${refused.service.pkg} refused the lock`)
  }
  const file = lockFilePath(ctx.tmpdir, profile)
  try {
    const handle = await open(file, 'wx', 0o600)
    // Who took it, for the message of the next one that tries: when, and from where (the coordinator's address).
    await handle.writeFile(`${JSON.stringify({ since: new Date().toISOString(), from: ctx.env.SSH_CLIENT?.split(' ')[0] })}\n`)
    await handle.close()
  } catch (error) {
    if (!hasErrorCode(error, 'EEXIST')) throw error
    throw new DisnixError('LOCK_FAILED', `Cannot exclusively open the lock file!${await lockHolder(file)}`)
  }
}

/** ` The profile is locked since T (from ADDRESS).` from a lock file, or nothing for an older, empty one. */
async function lockHolder(file: string): Promise<string> {
  try {
    const held = JSON.parse(await readFile(file, 'utf8')) as { since?: unknown; from?: unknown }
    if (typeof held.since !== 'string') return ''
    return ` The profile is locked since ${held.since}${typeof held.from === 'string' ? ` (by a coordinator at ${held.from})` : ''}.`
  } catch {
    return ''
  }
}

/**
 * Releases the lock on a profile (spec §4.5): every service is notified to unlock, then the lock
 * file is removed; a missing lock file fails, so a second unlock fails.
 */
export async function releaseProfileLock(ctx: TargetContext, profile: string): Promise<void> {
  const services = await lockableServices(ctx, profile)
  const outcomes = await notifyServices(ctx, 'unlock', services, { announce: true, stopAtFailure: false })
  const notified = outcomes.every((outcome) => outcome.failed === undefined)
  if (!notified) await ctx.log('Failed to send unlock notification to old services!')
  try {
    await unlink(lockFilePath(ctx.tmpdir, profile))
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) throw new DisnixError('UNLOCK_FAILED', 'There is no lock file!')
    throw error
  }
  if (!notified) throw new DisnixError('UNLOCK_FAILED', 'Failed to send unlock notification to old services!')
}

/** The services of the profile manifest with the module that handles them. */
async function lockableServices(ctx: TargetContext, profile: string): Promise<NotifiedService[]> {
  let manifest: ProfileManifest
  try {
    manifest = await readProfileManifest(join(ctx.profileDir, profile, 'profilemanifest.xml'), { defaultTarget: ctx.hostname })
  } catch (error) {
    // A profile that is a plain file (a store path set with nix-env, not by Disnix) has no manifest inside.
    if (hasErrorCode(error, 'ENOTDIR')) {
      throw new DisnixError('PROFILE_NOT_DISNIX', `The profile ${profile} in ${ctx.profileDir} is not a Disnix profile: ${join(ctx.profileDir, profile)} has no profilemanifest.xml`, {
        hint: 'give the Disnix profile with -p, or set a Disnix profile first',
      })
    }
    if (!isDisnixError(error)) throw error
    throw new DisnixError('PROFILE_MANIFEST_INVALID', 'Corrupt profile manifest: cannot open profile manifest!', { cause: error })
  }
  const services: NotifiedService[] = []
  for (const mapping of manifest.serviceMappings) {
    const service = manifest.services[mapping.service]
    // A service in a container provided by another service is handled by that service's module.
    const provider = mapping.containerProvidedByService === undefined ? undefined : manifest.services[mapping.containerProvidedByService]
    const type = mapping.containerProvidedByService === undefined ? service?.type : provider?.pkg
    if (!service || !type) throw new DisnixError('PROFILE_MANIFEST_INVALID', 'Corrupt profile manifest: a service or type is missing!')
    services.push({ pkg: service.pkg, type, container: mapping.container })
  }
  return services
}
