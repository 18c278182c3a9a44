import { open, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { DisnixError, hasErrorCode, isDisnixError } from '@disnix-ts/libmain'
import { readProfileManifest, type ProfileManifest } from '@disnix-ts/libmanifest'
import { runTargetTool } from './run-target-tool.js'
import type { TargetContext } from './target-context.js'

/** The lock file of a profile: local to whoever executes the operation (spec §4.5). */
export function lockFilePath(tmpdir: string, profile: string): string {
  return join(tmpdir, `disnix-${profile}.lock`)
}

/**
 * Acquires the lock on a profile (spec §4.5): every service of the profile manifest is notified
 * (`dysnomia --operation lock`) and may refuse; if one refuses, all are notified to unlock and the
 * lock fails. Then the lock file is created exclusively, so a second lock fails.
 */
export async function acquireProfileLock(ctx: TargetContext, profile: string): Promise<void> {
  const services = await lockableServices(ctx, profile)
  for (const service of services) {
    ctx.log(`Notifying lock on ${service.pkg}: of type: ${service.type} in container: ${service.container}`)
    try {
      await notify(ctx, 'lock', service)
    } catch (error) {
      if (!isDisnixError(error)) throw error
      ctx.log('Cannot lock service!')
      for (const other of services) await notify(ctx, 'unlock', other).catch(() => undefined)
      throw new DisnixError('LOCK_FAILED', `Cannot acquire lock on profile: ${profile}: service ${service.pkg} refused the lock`)
    }
  }
  try {
    const handle = await open(lockFilePath(ctx.tmpdir, profile), 'wx', 0o600)
    await handle.close()
  } catch (error) {
    if (hasErrorCode(error, 'EEXIST')) throw new DisnixError('LOCK_FAILED', 'Cannot exclusively open the lock file!')
    throw error
  }
}

/**
 * Releases the lock on a profile (spec §4.5): every service is notified to unlock, then the lock
 * file is removed; a missing lock file fails, so a second unlock fails.
 */
export async function releaseProfileLock(ctx: TargetContext, profile: string): Promise<void> {
  const services = await lockableServices(ctx, profile)
  let notified = true
  for (const service of services) {
    ctx.log(`Notifying unlock on ${service.pkg}: of type: ${service.type} in container: ${service.container}`)
    try {
      await notify(ctx, 'unlock', service)
    } catch (error) {
      if (!isDisnixError(error)) throw error
      notified = false
    }
  }
  if (!notified) ctx.log('Failed to send unlock notification to old services!')
  try {
    await unlink(lockFilePath(ctx.tmpdir, profile))
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) throw new DisnixError('UNLOCK_FAILED', 'There is no lock file!')
    throw error
  }
  if (!notified) throw new DisnixError('UNLOCK_FAILED', 'Failed to send unlock notification to old services!')
}

interface LockableService {
  pkg: string
  type: string
  container: string
}

/** The services of the profile manifest with the module that handles them. */
async function lockableServices(ctx: TargetContext, profile: string): Promise<LockableService[]> {
  let manifest: ProfileManifest
  try {
    manifest = await readProfileManifest(join(ctx.profileDir, profile, 'profilemanifest.xml'), { defaultTarget: ctx.hostname })
  } catch (error) {
    if (!isDisnixError(error)) throw error
    throw new DisnixError('PROFILE_MANIFEST_INVALID', 'Corrupt profile manifest: cannot open profile manifest!', { cause: error })
  }
  const services: LockableService[] = []
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

async function notify(ctx: TargetContext, operation: 'lock' | 'unlock', service: LockableService): Promise<void> {
  await runTargetTool(
    ctx,
    'dysnomia',
    ['--type', service.type, '--operation', operation, '--container', service.container, '--component', service.pkg, '--environment'],
    { step: `dysnomia --operation ${operation} of ${service.pkg}` },
  )
}
