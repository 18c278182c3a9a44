// Processes and accounts a module under test starts or creates, and their clean-up after a test.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { onTestFinished } from 'vitest'
import { put } from './files.js'

/** Command names (comm) of the processes of `user` (none: empty). */
export async function processesOf(user: string): Promise<string[]> {
  const result = await execa('pgrep', ['-u', user, '-l'], { reject: false })
  return String(result.stdout)
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[1] ?? '')
}

/** True while a process with this PID exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

/** The user a process runs as. */
export async function ownerOf(pid: number): Promise<string> {
  return String((await execa('ps', ['-o', 'user=', '-p', String(pid)])).stdout).trim()
}

export async function userExists(user: string): Promise<boolean> {
  return (await execa('id', ['-u', user], { reject: false })).exitCode === 0
}

export async function groupExists(group: string): Promise<boolean> {
  return (await execa('getent', ['group', group], { reject: false })).exitCode === 0
}

/**
 * A unique user and group name for this test, with dysnomia-support files in `component`, and a
 * clean-up that kills its processes and removes both whatever the test did.
 */
export async function declareUser(component: string): Promise<string> {
  const name = `dxp${randomBytes(3).toString('hex')}`
  await put(join(component, 'dysnomia-support', 'groups', name), '')
  await put(join(component, 'dysnomia-support', 'users', name), `group=${name}\ndescription="disnix-ts test user"\n`)
  onTestFinished(async () => {
    await execa('pkill', ['-KILL', '-u', name], { reject: false })
    await execa('userdel', [name], { reject: false })
    await execa('groupdel', [name], { reject: false })
  })
  return name
}

/** Kills the process whose PID is in `pidFile` (if any) when the test finishes: a daemon a failed test left behind. */
export function killPidFileOnFinish(pidFile: string): void {
  onTestFinished(async () => {
    const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''))
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
      }
    }
  })
}
