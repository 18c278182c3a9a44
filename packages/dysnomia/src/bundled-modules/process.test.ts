import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { isRoot, runBin, testDir } from '@disnix-ts/libmain/testing'
import { describe, expect, onTestFinished, test } from 'vitest'
import { alive, exists, killPidFileOnFinish } from '@disnix-ts/test-servers'

const processModule = join(bundledModulesDir(), 'process')

// A proper daemon: detaches into its own session, closes the standard streams, writes its PID file
// and removes it when it gets SIGTERM.
const daemonScript = `#!/bin/bash
pidFile="$1"
setsid bash -c 'echo $$ > "$0"; trap "rm -f \\"$0\\"; exit 0" TERM; while true; do sleep 0.1; done' "$pidFile" </dev/null >/dev/null 2>&1 &
`

interface Setup {
  stateDir: string
  runtimeDir: string
  root: string
}

async function setUp(): Promise<Setup> {
  const root = await testDir()
  const setup = { root, stateDir: join(root, 'state'), runtimeDir: join(root, 'run') }
  await mkdir(setup.runtimeDir)
  return setup
}

async function executable(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true })
  await writeFile(path, text)
  await chmod(path, 0o755)
}

async function runModule(setup: Setup, operation: string, component: string, env: Record<string, string> = {}) {
  return execa(processModule, [operation, component], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DYSNOMIA_STATEDIR: setup.stateDir, runtimeDir: setup.runtimeDir, timeout: '5', ...env },
    extendEnv: false,
    reject: false,
  })
}

describe('process module', () => {
  test('starts and stops the single executable of bin/, idempotently', async () => {
    const setup = await setUp()
    const component = join(setup.root, 'daemon-simple')
    await executable(join(component, 'bin', 'loop'), `#!/bin/bash\nexec ${join(setup.root, 'daemon')} "$runtimeDir/loop.pid"\n`)
    await executable(join(setup.root, 'daemon'), daemonScript)
    const pidFile = join(setup.runtimeDir, 'loop.pid')
    killPidFileOnFinish(pidFile)

    expect(await runModule(setup, 'activate', component)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    const pid = Number(await readFile(pidFile, 'utf8'))
    expect(alive(pid)).toBe(true)
    expect(await readdir(join(setup.stateDir, 'activated', 'process'))).toEqual(['daemon-simple'])

    expect(await runModule(setup, 'activate', component)).toMatchObject({
      exitCode: 0,
      stderr: `PID file: ${pidFile} already exists, assuming that the process has been started already! If not, remove it and try again.`,
    })
    expect(Number(await readFile(pidFile, 'utf8'))).toBe(pid)

    expect(await runModule(setup, 'deactivate', component)).toMatchObject({ exitCode: 0, stderr: '' })
    expect(await exists(pidFile)).toBe(false)
    expect(alive(pid)).toBe(false)
    expect(await readdir(join(setup.stateDir, 'activated', 'process'))).toEqual([])

    expect(await runModule(setup, 'deactivate', component)).toMatchObject({
      exitCode: 0,
      stderr: `PID file: ${pidFile} does not exists! Assuming that the process was stopped already!`,
    })
    // Operations it does not implement are no-ops.
    expect(await runModule(setup, 'snapshot', component)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
  })

  test('starts the command of a process config file with its arguments and PID file', async () => {
    const setup = await setUp()
    const component = join(setup.root, 'daemon')
    // The PID file lies outside runtimeDir, so only the config file's pidFile can name it.
    const pidFile = join(setup.root, 'elsewhere', 'loop.pid')
    await mkdir(join(setup.root, 'elsewhere'))
    await executable(join(component, 'bin', 'daemon'), daemonScript)
    await executable(join(component, 'bin', 'other-tool'), '#!/bin/sh\nexit 1\n')
    await mkdir(join(component, 'etc', 'dysnomia', 'process'), { recursive: true })
    // $process is word-split (it carries the daemon's argument), as in the original.
    await writeFile(join(component, 'etc', 'dysnomia', 'process', 'loop'), `process="${join(component, 'bin', 'daemon')} ${pidFile}"\npidFile="${pidFile}"\n`)
    killPidFileOnFinish(pidFile)
    expect(await runModule(setup, 'activate', component)).toMatchObject({ exitCode: 0, stderr: '' })
    const pid = Number(await readFile(pidFile, 'utf8'))
    expect(alive(pid)).toBe(true)

    const shell = await runModule(setup, 'shell', component)
    expect(shell.exitCode).toBe(0)
    expect(shell.stderr).toContain("This is a shell session that can be used to control the 'daemon' process.")
    expect(shell.stderr).toContain('pidFile     Path to the PID file the process writes')

    expect(await runModule(setup, 'deactivate', component)).toMatchObject({ exitCode: 0, stderr: '' })
    expect(alive(pid)).toBe(false)
    expect(await exists(pidFile)).toBe(false)
  })

  test('check: healthy while the process of the PID file runs, failing when it was never started or has been killed', async () => {
    const setup = await setUp()
    const component = join(setup.root, 'daemon-simple')
    await executable(join(component, 'bin', 'loop'), `#!/bin/bash\nexec ${join(setup.root, 'daemon')} "$runtimeDir/loop.pid"\n`)
    await executable(join(setup.root, 'daemon'), daemonScript)
    const pidFile = join(setup.runtimeDir, 'loop.pid')
    killPidFileOnFinish(pidFile)

    expect(await runModule(setup, 'check', component)).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: `PID file: ${pidFile} does not exist: the process is not running`,
    })

    expect(await runModule(setup, 'activate', component)).toMatchObject({ exitCode: 0 })
    const pid = Number(await readFile(pidFile, 'utf8'))
    expect(await runModule(setup, 'check', component)).toMatchObject({ exitCode: 0, stdout: `healthy: process ${pid} is running (PID file: ${pidFile})`, stderr: '' })

    // Killed without a chance to remove its PID file: what a crash leaves behind.
    process.kill(pid, 'SIGKILL')
    const check = await runModule(setup, 'check', component)
    expect(check.exitCode).toBe(1)
    expect(check.stderr).toMatch(new RegExp(`^process ${pid} of PID file: ${pidFile} (is not running|has exited)$`))

    // Through dysnomia: the status line and exit status of a failing check.
    const cli = await runBin('dysnomia', ['--type', 'process', '--environment', '--operation', 'check', '--component', component], {
      env: { DYSNOMIA_STATEDIR: setup.stateDir, runtimeDir: setup.runtimeDir },
    })
    expect(cli.exitCode).toBe(1)
    expect(cli.stdout).toMatch(new RegExp(`^failing: process ${pid} of PID file: ${pidFile} (is not running|has exited)\n$`))
  })

  test('warns when the process writes no PID file, and fails without exactly one executable', async () => {
    const setup = await setUp()
    const quiet = join(setup.root, 'quiet')
    await executable(join(quiet, 'bin', 'quiet'), '#!/bin/sh\nexit 0\n')
    expect(await runModule(setup, 'activate', quiet, { timeout: '1' })).toMatchObject({
      exitCode: 0,
      stderr: `WARNING: Could not detect PID file: ${join(setup.runtimeDir, 'quiet.pid')}! The process may not have started!`,
    })

    const failing = join(setup.root, 'failing')
    await executable(join(failing, 'bin', 'failing'), '#!/bin/sh\necho cannot start >&2\nexit 3\n')
    expect(await runModule(setup, 'activate', failing)).toMatchObject({ exitCode: 1, stderr: 'cannot start' })
    expect(await exists(join(setup.stateDir, 'activated', 'process', 'failing'))).toBe(false)

    const two = join(setup.root, 'two')
    await executable(join(two, 'bin', 'a'), '#!/bin/sh\n')
    await executable(join(two, 'bin', 'b'), '#!/bin/sh\n')
    expect(await runModule(setup, 'activate', two)).toMatchObject({
      exitCode: 1,
      stderr: 'More than one process found. Specify which executable to start in a process config file',
    })
    const none = join(setup.root, 'none')
    await mkdir(none)
    expect(await runModule(setup, 'activate', none)).toMatchObject({
      exitCode: 1,
      stderr: 'No process could be found. Make sure there is an executable in bin/ or a process config',
    })
    expect(await runModule(setup, 'activate', quiet, { timeout: 'soon' })).toMatchObject({
      exitCode: 1,
      stderr: 'The timeout property must be a whole number of seconds, not: soon',
    })
  })

  test.runIf(isRoot())('creates the users and groups of dysnomia-support and removes them on deactivation', async () => {
    const setup = await setUp()
    const suffix = randomBytes(3).toString('hex')
    const group = `dtsg${suffix}`
    const user = `dtsu${suffix}`
    const component = join(setup.root, 'with-users')
    await executable(join(component, 'bin', 'loop'), `#!/bin/bash\nexec ${join(setup.root, 'daemon')} "$runtimeDir/loop.pid"\n`)
    await executable(join(setup.root, 'daemon'), daemonScript)
    await mkdir(join(component, 'dysnomia-support', 'groups'), { recursive: true })
    await mkdir(join(component, 'dysnomia-support', 'users'), { recursive: true })
    await writeFile(join(component, 'dysnomia-support', 'groups', group), '')
    await writeFile(join(component, 'dysnomia-support', 'users', user), `group=${group}\ndescription="Test user of disnix-ts"\n`)
    killPidFileOnFinish(join(setup.runtimeDir, 'loop.pid'))
    onTestFinished(async () => {
      await execa('userdel', [user], { reject: false })
      await execa('groupdel', [group], { reject: false })
    })

    const activate = await runModule(setup, 'activate', component)
    expect(activate.exitCode).toBe(0)
    expect((await execa('getent', ['group', group], { reject: false })).exitCode).toBe(0)
    expect((await execa('id', ['-gn', user])).stdout).toBe(group)

    expect((await runModule(setup, 'deactivate', component)).exitCode).toBe(0)
    expect((await execa('getent', ['group', group], { reject: false })).exitCode).not.toBe(0)
    expect((await execa('id', ['-u', user], { reject: false })).exitCode).not.toBe(0)
  })
})
