import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { suiteDir, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { processInterface, targetClient, type InterfaceRequest, type TargetClient } from '@disnix-ts/libinterface'
import { queryMasterStatus } from './open-session.js'
import { sshClientInterface } from './ssh-client-interface.js'

const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the in-process interface tests: ${support.reason}`)

const printInvalid = (client: TargetClient, paths: string[]) => client.call({ op: 'print-invalid', paths })
const activity = (component: string, type: string, container = type): InterfaceRequest => ({ op: 'activate', component, container, type, arguments: [] })

/** What a call gave: its value, or the message and code of its error. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await call() }
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message }
  }
}

describe.runIf(runsHere(support, 'a test network'))('sshClientInterface: disnix-ssh-client in this process (ARCHITECTURE §5)', () => {
  const T = 'inproc1'
  const missing = '/nix/store/00000000000000000000000000000000-missing'
  const component = '/nix/store/00000000000000000000000000000000-inproc-echo'
  let net: Testnet
  let runtimeDir: string
  const env = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
    ...process.env,
    SSH_OPTS: net.sshOpts,
    XDG_RUNTIME_DIR: runtimeDir,
    DISNIX_REMOTE_CLIENT: 'disnix-run-activity',
    ...extra,
  })
  /** The interface in this process, or (`process`) the disnix-ssh-client executable per call. */
  const call = (extra: NodeJS.ProcessEnv = {}, how: 'in-process' | 'process' = 'in-process', signal?: AbortSignal): TargetClient =>
    targetClient(how === 'process' ? processInterface('disnix-ssh-client', { env: env(extra) }) : sshClientInterface({ env: env(extra) }), T, { signal })

  beforeAll(async () => {
    net = await startTestnet({ targets: [T] })
    runtimeDir = await suiteDir('libinterface-inproc-')
    await mkdir(join(net.targets[0]!.root, component), { recursive: true })
    const slow = join(net.targets[0]!.root, 'tmp', 'slow')
    await mkdir(slow, { recursive: true })
    await writeFile(join(slow, 'rc'), '#!/bin/sh\nsleep 30\n')
    await chmod(join(slow, 'rc'), 0o755)
  })
  afterAll(async () => {
    const dir = join(runtimeDir, 'disnix-ssh')
    for (const name of (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.sock'))) {
      const status = await queryMasterStatus(join(dir, name))
      if (status) process.kill(status.pid, 'SIGTERM')
    }
    await net?.down()
    await rm(runtimeDir, { recursive: true, force: true })
  })

  test.each([
    ['a fresh connection per call', { DISNIX_SSH_PERSIST: '0' }],
    ['the shared connection and --serve session', { DISNIX_SSH_PERSIST: '30' }],
  ])('with %s: the same results and errors as the disnix-ssh-client executable', async (_how, mode) => {
    const operations: [string, InterfaceRequest][] = [
      ['print-invalid', { op: 'print-invalid', paths: [missing] }],
      ['query-installed', { op: 'query-installed', profile: 'nothing-deployed-here' }],
      ['activate', activity(component, 'echo')],
      ['failing activate', activity(missing, 'echo')],
      ['unknown module', activity(component, 'no-such-module', 'x')],
      ['check', { op: 'check', component, container: 'echo', type: 'echo', arguments: [] }],
      ['activate-check', { op: 'activate-check', component, container: 'echo', type: 'echo', arguments: [] }],
      ['failing activate-check', { op: 'activate-check', component: missing, container: 'echo', type: 'echo', arguments: [] }],
      ['check of a missing component', { op: 'check', component: missing, container: 'echo', type: 'echo', arguments: [] }],
      ['lock', { op: 'lock', profile: 'inproc' }],
      ['lock again', { op: 'lock', profile: 'inproc' }],
      ['unlock', { op: 'unlock', profile: 'inproc' }],
      ['capture-config', { op: 'capture-config' }],
    ]
    // The sequence leaves the target as it found it (lock, a refused second lock, unlock).
    const sequence = async (how: 'in-process' | 'process') => {
      const results: [string, unknown][] = []
      for (const [name, request] of operations) results.push([name, await outcome(() => call(mode, how).call(request))])
      // A refused lock says since when the lock is held: the one moment the two sequences differ in.
      return JSON.parse(JSON.stringify(results).replace(/locked since [0-9T:.-]+Z/g, 'locked since <time>')) as [string, unknown][]
    }
    const inProcess = await sequence('in-process')
    expect(inProcess).toEqual(await sequence('process'))
    expect(inProcess.find(([name]) => name === 'lock again')![1]).toMatchObject({ code: 'INTERFACE_FAILED' })
    expect(inProcess.find(([name]) => name === 'check')![1]).toMatchObject({ value: { status: 'healthy' } })
    expect(inProcess.find(([name]) => name === 'activate-check')![1]).toMatchObject({ value: { status: 'healthy' } })
    expect(inProcess.find(([name]) => name === 'failing activate-check')![1]).toMatchObject({ code: 'INTERFACE_FAILED', message: expect.stringContaining(`activate ${missing} failed`) as string })
    expect(await outcome(() => printInvalid(call(mode), [missing]))).toEqual({ value: [missing] })
    expect(await outcome(() => call(mode).call(activity(missing, 'echo')))).toMatchObject({
      code: 'INTERFACE_FAILED',
      message: expect.stringContaining(`[target: ${T}]: activate ${missing} failed (disnix-ssh-client: exit status 1)`) as string,
    })
  })

  test('one interface reads the ssh settings of a target once: later calls reuse them', async () => {
    // A private copy of the network's ssh config, then broken: an interface that already used it keeps
    // what it read (one reading per target and run, not one per request); a new one reads the broken file.
    const config = join(runtimeDir, 'ssh-config-once')
    const original = /-F\s+(\S+)/.exec(net.sshOpts)![1]!
    await writeFile(config, await readFile(original, 'utf8'))
    const client = (): TargetClient => targetClient(sshClientInterface({ env: env({ SSH_OPTS: `-F ${config}`, DISNIX_SSH_PERSIST: '0' }) }), T)
    const first = client()
    expect(await printInvalid(first, [missing])).toEqual([missing])
    await writeFile(config, 'Host *\n  Port 1\n  ConnectTimeout 2\n')
    expect(await printInvalid(first, [missing])).toEqual([missing])
    await expect(printInvalid(client(), [missing])).rejects.toThrow()
  })

  test('no client process is started: an environment in which no Node process can start does not matter', async () => {
    const broken = { DISNIX_SSH_PERSIST: '0', NODE_OPTIONS: '--require /nonexistent/refuse-to-start.cjs' }
    expect(await printInvalid(call(broken), [missing])).toEqual([missing])
    await expect(printInvalid(call(broken, 'process'), [missing])).rejects.toThrow(/exit status 1/)
  })

  test.each([
    ['a fresh connection', '0'],
    ['the shared connection', '30'],
  ])('cancelling a call over %s closes it, as killing the executable would', async (_how, persist) => {
    const controller = new AbortController()
    const slow = call({ DISNIX_SSH_PERSIST: persist, DISNIX_REMOTE_CLIENT: '/tmp/slow/rc' }, 'in-process', controller.signal)
    const started = Date.now()
    const pending = outcome(() => printInvalid(slow, [missing]))
    setTimeout(() => controller.abort(), 1500)
    expect(await pending).toMatchObject({ code: 'INTERFACE_CANCELLED', message: expect.stringContaining('(disnix-ssh-client: cancelled)') as string })
    expect(Date.now() - started).toBeLessThan(10_000)
    // Already cancelled: nothing runs.
    expect(await outcome(() => printInvalid(slow, [missing]))).toMatchObject({ code: 'INTERFACE_CANCELLED' })
  })
})
