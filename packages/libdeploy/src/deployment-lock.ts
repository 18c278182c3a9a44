import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'

/** Who holds the locks of a deployment: the coordinator process of a running disnix-deploy/disnix-env. */
export interface LockOwner {
  host: string
  pid: number
  /** The process's start time (/proc/PID/stat), so that a reused pid is not taken for the owner. */
  pidStart?: string
  profile: string
  coordinatorProfilePath: string
  /** The targets it locks. */
  targets: string[]
  /** ISO time it took the locks. */
  since: string
}

export interface DeploymentLockOptions {
  /** The coordinator profile dir (--coordinator-profile-path or the per-user default). */
  coordinatorProfilePath: string
  profile: string
  targets: readonly string[]
}

export type DeploymentLockClaim = { status: 'claimed'; takenOver?: LockOwner }

/**
 * Claims the locks of a deployment on the coordinator, before any target is locked: an owner record
 * next to the coordinator profile (`.<profile>.lock-owner.json`), created exclusively. A record of a
 * live process, or of another host, refuses the claim naming it; a record of a process of this host
 * that is gone (a killed coordinator) is taken over: the caller then releases the targets it held.
 */
export async function claimDeploymentLock(options: DeploymentLockOptions): Promise<DeploymentLockClaim> {
  const file = lockOwnerFile(options.coordinatorProfilePath, options.profile)
  const owner: LockOwner = {
    host: hostname(),
    pid: process.pid,
    pidStart: (await processStat(process.pid))?.start,
    profile: options.profile,
    coordinatorProfilePath: options.coordinatorProfilePath,
    targets: [...options.targets].sort(),
    since: new Date().toISOString(),
  }
  await mkdir(options.coordinatorProfilePath, { recursive: true })
  try {
    const handle = await open(file, 'wx', 0o644)
    try {
      await handle.writeFile(`${JSON.stringify(owner)}\n`)
    } finally {
      await handle.close()
    }
    return { status: 'claimed' }
  } catch (error) {
    if (!hasErrorCode(error, 'EEXIST')) throw error
  }
  const held = await readOwner(file)
  if (held !== undefined && (held.host !== owner.host || (await isAlive(held)))) {
    throw new DisnixError('LOCK_FAILED', `Cannot lock profile: ${options.profile}: another deployment holds its locks: ${describeOwner(held)}`, {
      hint: held.host === owner.host ? `wait for process ${held.pid} to finish (or stop it); the next run takes its locks over` : `wait for the deployment on ${held.host} to finish`,
    })
  }
  // Gone: replace its record by ours (atomically, so that a concurrent claim sees one or the other).
  const tmp = `${file}.${process.pid}`
  await writeFile(tmp, `${JSON.stringify(owner)}\n`, { mode: 0o644 })
  await rename(tmp, file)
  return { status: 'claimed', takenOver: held }
}

/** Removes the owner record when it is this process's. */
export async function releaseDeploymentLock(options: Pick<DeploymentLockOptions, 'coordinatorProfilePath' | 'profile'>): Promise<void> {
  const file = lockOwnerFile(options.coordinatorProfilePath, options.profile)
  const held = await readOwner(file)
  if (held?.pid === process.pid && held.host === hostname()) await rm(file, { force: true })
}

/**
 * Keeps this process's owner record, naming only `targets`: the lost targets that may still hold this
 * deployment's lock. Once this process has ended, the next deployment of the profile takes the record
 * over and releases what is left on them (a target without the lock is fine).
 */
export async function keepDeploymentLockFor(options: Pick<DeploymentLockOptions, 'coordinatorProfilePath' | 'profile'>, targets: readonly string[]): Promise<void> {
  const file = lockOwnerFile(options.coordinatorProfilePath, options.profile)
  const held = await readOwner(file)
  if (held?.pid !== process.pid || held.host !== hostname()) return
  const tmp = `${file}.${process.pid}`
  await writeFile(tmp, `${JSON.stringify({ ...held, targets: [...targets].sort() })}\n`, { mode: 0o644 })
  await rename(tmp, file)
}

/** `pid 123 on host coord (profile default, coordinator profile path /x) since <time>`. */
export function describeOwner(owner: LockOwner): string {
  return `pid ${owner.pid} on host ${owner.host} (profile ${owner.profile}, coordinator profile path ${owner.coordinatorProfilePath}, targets ${owner.targets.join(', ')}) since ${owner.since}`
}

export function lockOwnerFile(coordinatorProfilePath: string, profile: string): string {
  return join(coordinatorProfilePath, `.${profile}.lock-owner.json`)
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined
    throw error
  }
  try {
    const value = JSON.parse(text) as Partial<LockOwner>
    if (typeof value.host === 'string' && typeof value.pid === 'number' && Array.isArray(value.targets) && typeof value.since === 'string') {
      return { profile: '', coordinatorProfilePath: '', ...value } as LockOwner
    }
  } catch {
    // a record cut short by a crash while it was written: nobody holds it
  }
  return undefined
}

async function isAlive(owner: LockOwner): Promise<boolean> {
  try {
    process.kill(owner.pid, 0)
  } catch (error) {
    if (hasErrorCode(error, 'ESRCH')) return false
    if (!hasErrorCode(error, 'EPERM')) throw error
  }
  const stat = await processStat(owner.pid)
  if (stat === undefined) return false
  // A killed coordinator whose parent died too stays a zombie until init reaps it: it holds nothing.
  if (stat.state === 'Z' || stat.state === 'X') return false
  return owner.pidStart === undefined || stat.start === owner.pidStart
}

/** State (field 3) and start time (field 22) from /proc/PID/stat; undefined when the process is gone. */
async function processStat(pid: number): Promise<{ state: string; start: string | undefined } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // Counted after the parenthesised command name, which may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state: fields[0]!, start: fields[19] }
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined
    throw error
  }
}
