import { chmod, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { isRoot, runsHere, rootPrecondition } from '@disnix-ts/test-utils'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { exists, groupExists, processesOf, put, runModule, sharedTestDir, startSupervisord, type Supervisord, userExists, waitFor } from '@disnix-ts/test-servers'

let supervisord: Supervisord

beforeAll(async () => {
  supervisord = await startSupervisord()
}, 60_000)

afterAll(async () => {
  await supervisord?.stop()
})

interface Setup {
  root: string
  component: string
  user: string
  outFile: string
  /** Set for a self-daemonizing process. */
  pidFile?: string
  env: Record<string, string> & { DYSNOMIA_STATEDIR: string; processManager: string }
}

/**
 * A component whose JSON configuration runs `bin/greeter` (in the foreground, or as a
 * self-daemonizing `daemon`) as a user of its credentials; the greeter writes
 * "<GREETING> <user>" to out/greeting and sleeps.
 */
async function setUp(processManager: string, kind: 'foreground' | 'daemon' = 'foreground'): Promise<Setup> {
  const root = await sharedTestDir()
  const user = `dxp${Math.random().toString(16).slice(2, 8)}`
  const component = join(root, 'greeter')
  const out = join(root, 'out')
  const tmp = join(root, 'tmp')
  for (const dir of [out, tmp]) {
    await mkdir(dir)
    await chmod(dir, 0o1777)
  }
  const outFile = join(out, 'greeting')
  await put(join(component, 'bin', 'greeter'), `#!/bin/sh\necho "$GREETING $(id -un)" > ${outFile}\nexec sleep 600\n`, 0o755)
  const pidFile = join(tmp, 'greeter.pid')
  await put(
    join(component, 'bin', 'greeter-daemon'),
    `#!/bin/sh\nsetsid sh -c 'echo $$ > ${pidFile}; trap "rm -f ${pidFile}; exit 0" TERM; echo "$GREETING $(id -un)" > ${outFile}; while true; do sleep 0.2; done' </dev/null >/dev/null 2>&1 &\n`,
    0o755,
  )
  const processes = kind === 'foreground' ? { foregroundProcess: join(component, 'bin', 'greeter') } : { daemon: join(component, 'bin', 'greeter-daemon'), pidFile }
  await put(
    join(component, 'greeter.json'),
    JSON.stringify({
      name: 'greeter',
      description: 'Greeter test process',
      ...processes,
      user,
      environment: { GREETING: 'hello from' },
      credentials: { groups: { [user]: {} }, users: { [user]: { group: user, description: 'disnix-ts test user' } } },
    }),
  )
  const { onTestFinished } = await import('vitest')
  onTestFinished(async () => {
    await execa('pkill', ['-KILL', '-u', user], { reject: false })
    await execa('userdel', [user], { reject: false })
    await execa('groupdel', [user], { reject: false })
  })
  const env = {
    DYSNOMIA_STATEDIR: join(root, 'state'),
    processManager,
    stateDir: join(root, 'var'),
    tmpDir: tmp,
    supervisordTargetDir: supervisord.confDir,
    supervisordConfigFile: supervisord.configFile,
  }
  return { root, component, user, outFile, env, pidFile: kind === 'daemon' ? pidFile : undefined }
}

/** The long-running process: the daemon's PID file, or the user's one `sleep` (the foreground greeter execs it). */
async function mainPid(setup: Setup): Promise<string> {
  if (setup.pidFile) return (await readFile(setup.pidFile, 'utf8')).trim()
  return String((await execa('pgrep', ['-u', setup.user, '-x', 'sleep'], { reject: false })).stdout)
}

/** activate (twice) → running as the user; lock/unlock; deactivate (twice) → gone, user removed. */
async function lifecycle(setup: Setup, processName: string): Promise<void> {
  const { component, env, user, outFile } = setup
  const generated = join(env.DYSNOMIA_STATEDIR, 'managed-process', 'managed-process', env.processManager, 'greeter')

  expect(await runModule('managed-process', 'lock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
  expect(await exists(generated)).toBe(false)
  const notActivated = {
    exitCode: 1,
    stdout: '',
    stderr: `Process: greeter has not been activated with process manager: ${env.processManager} (no generated configuration in: ${generated})`,
  }
  expect(await runModule('managed-process', 'check', component, env, 'managed-process')).toMatchObject(notActivated)
  expect(await exists(generated)).toBe(false)

  const activate = await runModule('managed-process', 'activate', component, env, 'managed-process')
  expect(activate.exitCode).toBe(0)
  expect(await userExists(user)).toBe(true)
  await waitFor('the greeting', async () => (await readFile(outFile, 'utf8').catch(() => '')) === `hello from ${user}\n`)
  await waitFor('the process of the user', async () => (await processesOf(user)).includes(processName))
  const pid = await mainPid(setup)
  expect(pid).toMatch(/^\d+$/)

  expect(await runModule('managed-process', 'activate', component, env, 'managed-process')).toMatchObject({ exitCode: 0 })
  expect(await mainPid(setup)).toBe(pid)
  // check asks the manager's module about the generated configuration: healthy once the manager says
  // the process runs (supervisord says STARTING until the program has run for its startsecs).
  let check = await runModule('managed-process', 'check', component, env, 'managed-process')
  await waitFor('a passing check', async () => (check = await runModule('managed-process', 'check', component, env, 'managed-process')).exitCode === 0)
  expect(check).toMatchObject({ exitCode: 0, stderr: '' })
  expect(check.stdout).toMatch(/^healthy: /)
  expect(await runModule('managed-process', 'unlock', component, env, 'managed-process')).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })

  const deactivate = await runModule('managed-process', 'deactivate', component, env, 'managed-process')
  expect(deactivate).toMatchObject({ exitCode: 0 })
  await waitFor('the processes of the user to end', async () => (await processesOf(user)).length === 0)
  expect(await userExists(user)).toBe(false)
  expect(await groupExists(user)).toBe(false)
  expect(await exists(generated)).toBe(false)
  expect(await runModule('managed-process', 'check', component, env, 'managed-process')).toMatchObject(notActivated)
  expect(await runModule('managed-process', 'deactivate', component, env, 'managed-process')).toMatchObject({ exitCode: 0 })
}

describe.runIf(runsHere(rootPrecondition(), 'root'))('managed-process module (generated configurations, really started)', () => {
  test('processManager=supervisord: a supervisord program running as the credentials’ user', async () => {
    const setup = await setUp('supervisord')
    await lifecycle(setup, 'sleep')
    expect(await supervisord.status('greeter')).toBeNull()
  })

  test('processManager=sysvinit: an init script daemonizing the process with daemon', async () => {
    const setup = await setUp('sysvinit')
    await lifecycle(setup, 'sleep')
  })

  test('processManager=disnix: the process module with a generated process config', async () => {
    const setup = await setUp('disnix')
    await lifecycle(setup, 'sleep')
  })

  test('processManager=disnix with a self-daemonizing process and its PID file', async () => {
    const setup = await setUp('disnix', 'daemon')
    await lifecycle(setup, 'sh')
  })

  test('check with processManager=disnix: healthy while the daemon runs, failing once it is killed', async () => {
    const setup = await setUp('disnix', 'daemon')
    const pidFile = setup.pidFile as string
    const check = () => runModule('managed-process', 'check', setup.component, setup.env, 'managed-process')
    expect(await runModule('managed-process', 'activate', setup.component, setup.env, 'managed-process')).toMatchObject({ exitCode: 0 })
    await waitFor('the PID file', () => exists(pidFile))
    const pid = (await readFile(pidFile, 'utf8')).trim()
    expect(await check()).toMatchObject({ exitCode: 0, stdout: `healthy: process ${pid} is running (PID file: ${pidFile})`, stderr: '' })

    process.kill(Number(pid), 'SIGKILL')
    const failing = await check()
    expect(failing.exitCode).toBe(1)
    expect(failing.stderr).toMatch(new RegExp(`^process ${pid} of PID file: ${pidFile} (is not running|has exited)$`))
    expect(await runModule('managed-process', 'deactivate', setup.component, setup.env, 'managed-process')).toMatchObject({ exitCode: 0 })
  })

  test('check with processManager=supervisord: failing once supervisord reports the program stopped', async () => {
    const setup = await setUp('supervisord')
    const check = () => runModule('managed-process', 'check', setup.component, setup.env, 'managed-process')
    expect(await runModule('managed-process', 'activate', setup.component, setup.env, 'managed-process')).toMatchObject({ exitCode: 0 })
    await waitFor('greeter RUNNING', async () => (await supervisord.status('greeter')) === 'RUNNING')
    expect((await check()).stdout).toMatch(/^healthy: supervisord runs: greeter \(pid \d+\)$/)
    await execa('supervisorctl', ['-c', supervisord.configFile, 'stop', 'greeter'])
    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: expect.stringMatching(/^supervisord program: greeter is STOPPED/) })
    expect(await runModule('managed-process', 'deactivate', setup.component, setup.env, 'managed-process')).toMatchObject({ exitCode: 0 })
  })

  test('reports an unknown or missing process manager, a missing generator and a bad configuration', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'bad')
    await put(join(component, 'bad.json'), '{"name": "bad", "process": 42}')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state') }
    expect(await runModule('managed-process', 'activate', component, { ...env, processManager: 'runit' })).toMatchObject({
      exitCode: 1,
      stderr: 'Unknown process manager: runit',
    })
    expect(await runModule('managed-process', 'activate', component, env)).toMatchObject({
      exitCode: 1,
      stderr: 'No process manager specified! Set the processManager property.',
    })
    expect(await runModule('managed-process', 'activate', component, { ...env, processManager: 'launchd' })).toMatchObject({
      exitCode: 1,
      stderr: "Process manager: launchd needs nix-processmgmt's nixproc-generate-config, which is not installed (built in: supervisord, sysvinit, disnix)",
    })
    expect(await runModule('managed-process', 'activate', component, { ...env, processManager: 'disnix' })).toMatchObject({
      exitCode: 1,
      stderr: `Invalid process configuration: ${join(component, 'bad.json')}: "process" must be a string`,
    })
    expect(await exists(join(root, 'state', 'activated'))).toBe(false)
    const empty = join(root, 'empty')
    await mkdir(empty)
    expect(await runModule('managed-process', 'activate', empty, { ...env, processManager: 'disnix' })).toMatchObject({
      exitCode: 1,
      stderr: `Expecting exactly one JSON process configuration in: ${empty} (found 0)`,
    })
  })
})
