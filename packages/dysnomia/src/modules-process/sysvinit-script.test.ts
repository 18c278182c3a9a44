import { readFile, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { isRoot } from '@disnix-ts/libmain/testing'
import { describe, expect, test } from 'vitest'
import {
  alive,
  declareUser,
  exists,
  groupExists,
  killPidFileOnFinish,
  ownerOf,
  put,
  runModule,
  sharedTestDir,
  startStopDaemonScript,
  userExists,
  waitFor,
} from '@disnix-ts/test-servers'

/** An init script that appends "<op> <name>" to `log`, failing on start when `failStart`. */
function recordingScript(name: string, log: string, failStart = false): string {
  return `#!/bin/sh
echo "$1 ${name}" >> ${log}
${failStart ? `if [ "$1" = start ]; then echo "${name}: cannot start" >&2; exit 3; fi` : ''}
`
}

async function linkScript(component: string, runlevel: number | string, link: string, script: string): Promise<void> {
  await put(join(component, 'etc', 'rc.d', `rc${runlevel}.d`, '.keep'), '')
  await symlink(`../init.d/${script}`, join(component, 'etc', 'rc.d', `rc${runlevel}.d`, link))
}

describe.runIf(isRoot())('sysvinit-script module (real init scripts)', () => {
  test('starts the runlevel’s scripts as the component user and stops them again', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'loop')
    const user = await declareUser(component)
    const pidFile = join(root, 'loop.pid')
    killPidFileOnFinish(pidFile)
    await put(join(component, 'etc', 'rc.d', 'init.d', 'loop'), startStopDaemonScript(pidFile, user), 0o755)
    for (const level of [3, 4, 5]) await linkScript(component, level, 'S00loop', 'loop')
    for (const level of [0, 1, 2, 6]) await linkScript(component, level, 'K00loop', 'loop')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state') }

    expect(await runModule('sysvinit-script', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await userExists(user)).toBe(true)
    await waitFor('the PID file', () => exists(pidFile))
    const pid = Number(await readFile(pidFile, 'utf8'))
    expect(alive(pid)).toBe(true)
    expect(await ownerOf(pid)).toBe(user)
    expect(await exists(join(root, 'state', 'activated', 'sysvinit-script', 'loop'))).toBe(true)

    expect(await runModule('sysvinit-script', 'activate', component, env)).toMatchObject({
      exitCode: 0,
      stderr: `Group: ${user} already exists!\nUser: ${user} already exists!`,
    })
    expect(Number(await readFile(pidFile, 'utf8'))).toBe(pid)
    expect(await runModule('sysvinit-script', 'lock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await runModule('sysvinit-script', 'unlock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })

    expect(await runModule('sysvinit-script', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(alive(pid)).toBe(false)
    expect(await exists(pidFile)).toBe(false)
    expect(await userExists(user)).toBe(false)
    expect(await groupExists(user)).toBe(false)
    expect(await exists(join(root, 'state', 'activated', 'sysvinit-script', 'loop'))).toBe(false)
    expect(await runModule('sysvinit-script', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stderr: '' })
  })

  test('check: healthy while every script reports running, failing when one does not, unknown when none can tell', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'checked')
    const pidFile = join(root, 'checked.pid')
    killPidFileOnFinish(pidFile)
    await put(join(component, 'etc', 'rc.d', 'init.d', 'checked'), startStopDaemonScript(pidFile), 0o755)
    await linkScript(component, 3, 'S00checked', 'checked')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), checkTimeout: '3' }
    const script = join(component, 'etc', 'rc.d', 'rc3.d', 'S00checked')
    const check = () => runModule('sysvinit-script', 'check', component, env)

    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: `Init script: ${script} status: no output (exit status 3)` })

    expect(await runModule('sysvinit-script', 'activate', component, env)).toMatchObject({ exitCode: 0 })
    await waitFor('the PID file', () => exists(pidFile))
    expect(await check()).toMatchObject({ exitCode: 0, stdout: 'healthy: init scripts report running: S00checked', stderr: '' })

    // Killed: start-stop-daemon --status answers 1 (not running, PID file left behind).
    process.kill(Number(await readFile(pidFile, 'utf8')), 'SIGKILL')
    await waitFor('check to fail', async () => (await check()).exitCode === 1)
    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: `Init script: ${script} status: no output (exit status 1)` })

    // A script that cannot tell (LSB status 4) leaves the result unknown: no healthy line.
    const unsure = join(root, 'unsure')
    await put(join(unsure, 'etc', 'rc.d', 'init.d', 'unsure'), '#!/bin/sh\n[ "$1" = status ] && exit 4\nexit 0\n', 0o755)
    await linkScript(unsure, 3, 'S00unsure', 'unsure')
    expect(await runModule('sysvinit-script', 'check', unsure, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
  })

  test('runs the entries of the chosen runlevel in order, and stops them in reverse', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'ordered')
    const log = join(root, 'calls.log')
    await put(join(component, 'etc', 'rc.d', 'init.d', 'a'), recordingScript('a', log), 0o755)
    await put(join(component, 'etc', 'rc.d', 'init.d', 'b'), recordingScript('b', log), 0o755)
    await linkScript(component, 2, 'S20b', 'b')
    await linkScript(component, 2, 'S10a', 'a')
    await linkScript(component, 3, 'S10b', 'b')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), runlevel: '2' }

    expect(await runModule('sysvinit-script', 'activate', component, env)).toMatchObject({ exitCode: 0 })
    expect(await runModule('sysvinit-script', 'deactivate', component, env)).toMatchObject({ exitCode: 0 })
    expect(await readFile(log, 'utf8')).toBe('start a\nstart b\nstop b\nstop a\n')

    expect(await runModule('sysvinit-script', 'activate', component, { ...env, runlevel: 'x' })).toMatchObject({
      exitCode: 1,
      stderr: 'The runlevel property must be one of 0-6 or S, not: x',
    })
  })

  test('a failing start script fails the activation with its message and rolls back', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'failing')
    const user = await declareUser(component)
    const log = join(root, 'calls.log')
    await put(join(component, 'etc', 'rc.d', 'init.d', 'a'), recordingScript('a', log), 0o755)
    await put(join(component, 'etc', 'rc.d', 'init.d', 'b'), recordingScript('b', log, true), 0o755)
    await linkScript(component, 3, 'S10a', 'a')
    await linkScript(component, 3, 'S20b', 'b')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state') }

    const activate = await runModule('sysvinit-script', 'activate', component, env)
    expect(activate.exitCode).toBe(1)
    expect(activate.stderr).toBe(`b: cannot start\nInit script: ${join(component, 'etc', 'rc.d', 'rc3.d', 'S20b')} failed to start!`)
    expect(await readFile(log, 'utf8')).toBe('start a\nstart b\nstop a\n')
    expect(await userExists(user)).toBe(false)
    expect(await groupExists(user)).toBe(false)
    expect(await exists(join(root, 'state', 'activated', 'sysvinit-script', 'failing'))).toBe(false)
  })
})
