import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { describe, expect, onTestFinished, test } from 'vitest'
import { testDir } from '@disnix-ts/test-utils'
import { claimDeploymentLock, keepDeploymentLockFor, lockOwnerFile, releaseDeploymentLock } from './deployment-lock.js'

/** Writes an owner record of another process of this host, as a coordinator that holds the locks would. */
async function heldBy(dir: string, pid: number): Promise<void> {
  const owner = { host: hostname(), pid, profile: 'default', coordinatorProfilePath: dir, targets: ['test1'], since: '2026-01-01T00:00:00.000Z' }
  await writeFile(lockOwnerFile(dir, 'default'), `${JSON.stringify(owner)}\n`)
}

/**
 * A process that stays a zombie: it exits after its parent has exec'd into sleep, which never waits
 * for it (exiting earlier, the shell itself might reap it). Returns its pid.
 */
async function zombie(): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
  onTestFinished(() => void parent.kill('SIGKILL'))
  const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))))
  // Until it has exited it is not a zombie yet.
  for (let i = 0; i < 1000; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return pid
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`process ${pid} did not become a zombie`)
}

describe('claimDeploymentLock', () => {
  const options = (dir: string) => ({ coordinatorProfilePath: dir, profile: 'default', targets: ['test1'] })

  test('claims a free lock, and releases only its own record', async () => {
    const dir = await testDir()
    expect(await claimDeploymentLock(options(dir))).toEqual({ status: 'claimed' })
    const record = JSON.parse(await readFile(lockOwnerFile(dir, 'default'), 'utf8'))
    expect(record).toMatchObject({ host: hostname(), pid: process.pid, targets: ['test1'] })
    await releaseDeploymentLock(options(dir))
    await expect(readFile(lockOwnerFile(dir, 'default'))).rejects.toThrow(/ENOENT/)
  })

  test('a live owner on this host is refused, naming it', async () => {
    const dir = await testDir()
    const live = spawn('sleep', ['30'])
    onTestFinished(() => void live.kill('SIGKILL'))
    await heldBy(dir, live.pid!)
    await expect(claimDeploymentLock(options(dir))).rejects.toMatchObject({ code: 'LOCK_FAILED', message: expect.stringContaining(`pid ${live.pid} on host`) })
  })

  test('an owner that is gone, or a zombie not yet reaped (a killed coordinator), is taken over', async () => {
    const dir = await testDir()
    const gone = spawn('true')
    await new Promise((resolve) => gone.once('exit', resolve))
    await heldBy(dir, gone.pid!)
    expect(await claimDeploymentLock(options(dir))).toMatchObject({ status: 'claimed', takenOver: { pid: gone.pid } })

    const dead = await zombie()
    await heldBy(dir, dead)
    expect(await claimDeploymentLock(options(dir))).toMatchObject({ status: 'claimed', takenOver: { pid: dead } })
  })
})

describe('keepDeploymentLockFor', () => {
  test('keeps its own record naming only the lost targets; another process\'s record is left alone', async () => {
    const dir = await testDir()
    await claimDeploymentLock({ coordinatorProfilePath: dir, profile: 'default', targets: ['test1', 'test2'] })
    await keepDeploymentLockFor({ coordinatorProfilePath: dir, profile: 'default' }, ['test2'])
    expect(JSON.parse(await readFile(lockOwnerFile(dir, 'default'), 'utf8'))).toMatchObject({ pid: process.pid, targets: ['test2'] })
    await heldBy(dir, 1)
    await keepDeploymentLockFor({ coordinatorProfilePath: dir, profile: 'default' }, ['test9'])
    expect(JSON.parse(await readFile(lockOwnerFile(dir, 'default'), 'utf8'))).toMatchObject({ pid: 1, targets: ['test1'] })
  })
})
