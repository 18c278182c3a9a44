import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { suiteDir } from '@disnix-ts/libmain/testing'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { activate, captureConfig, lock, printInvalid, queryInstalled, unlock, type InterfaceCall } from './index.js'

const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the in-process interface tests: ${support.reason}`)

/** What a call gave: its value, or the message and code of its error. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await call() }
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message }
  }
}

describe.skipIf(!support.ok)('disnix-ssh-client in-process (ARCHITECTURE §5)', () => {
  const T = 'inproc1'
  const missing = '/nix/store/00000000000000000000000000000000-missing'
  const component = '/nix/store/00000000000000000000000000000000-inproc-echo'
  let net: Testnet
  let runtimeDir: string
  const call = (env: NodeJS.ProcessEnv = {}): InterfaceCall => ({
    interface: 'disnix-ssh-client',
    target: T,
    env: { SSH_OPTS: net.sshOpts, XDG_RUNTIME_DIR: runtimeDir, DISNIX_REMOTE_CLIENT: 'disnix-run-activity', ...env },
  })

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
    const { queryMasterStatus } = await import('@disnix-ts/disnix-ssh')
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
    const operations: [string, (c: InterfaceCall) => Promise<unknown>][] = [
      ['print-invalid', (c) => printInvalid(c, [missing])],
      ['query-installed', (c) => queryInstalled(c, 'nothing-deployed-here')],
      ['activate', (c) => activate(c, { component, container: 'echo', type: 'echo' })],
      ['failing activate', (c) => activate(c, { component: missing, container: 'echo', type: 'echo' })],
      ['unknown module', (c) => activate(c, { component, container: 'x', type: 'no-such-module' })],
      ['lock', (c) => lock(c, 'inproc')],
      ['lock again', (c) => lock(c, 'inproc')],
      ['unlock', (c) => unlock(c, 'inproc')],
      ['capture-config', (c) => captureConfig(c)],
    ]
    // The sequence leaves the target as it found it (lock, a refused second lock, unlock).
    const sequence = async (env: NodeJS.ProcessEnv) => {
      const results: [string, unknown][] = []
      for (const [name, operation] of operations) results.push([name, await outcome(() => operation(call(env)))])
      return results
    }
    const inProcess = await sequence(mode)
    expect(inProcess).toEqual(await sequence({ ...mode, DISNIX_IN_PROCESS_INTERFACE: '0' }))
    expect(inProcess.find(([name]) => name === 'lock again')![1]).toMatchObject({ code: 'INTERFACE_FAILED' })
    expect(await outcome(() => printInvalid(call(mode), [missing]))).toEqual({ value: [missing] })
    expect(await outcome(() => activate(call(mode), { component: missing, container: 'echo', type: 'echo' }))).toMatchObject({
      code: 'INTERFACE_FAILED',
      message: expect.stringContaining(`[target: ${T}]: activate ${missing} failed (disnix-ssh-client: exit status 1)`) as string,
    })
  })

  test('no client process is started: an environment in which no Node process can start does not matter', async () => {
    const broken = { DISNIX_SSH_PERSIST: '0', NODE_OPTIONS: '--require /nonexistent/refuse-to-start.cjs' }
    expect(await printInvalid(call(broken), [missing])).toEqual([missing])
    await expect(printInvalid(call({ ...broken, DISNIX_IN_PROCESS_INTERFACE: '0' }), [missing])).rejects.toThrow(/exit status 1/)
  })

  test.each([
    ['a fresh connection', '0'],
    ['the shared connection', '30'],
  ])('cancelling a call over %s closes it, as killing the executable would', async (_how, persist) => {
    const controller = new AbortController()
    const slow = { ...call({ DISNIX_SSH_PERSIST: persist, DISNIX_REMOTE_CLIENT: '/tmp/slow/rc' }), signal: controller.signal }
    const started = Date.now()
    const pending = outcome(() => printInvalid(slow, [missing]))
    setTimeout(() => controller.abort(), 1500)
    expect(await pending).toMatchObject({ code: 'INTERFACE_CANCELLED', message: expect.stringContaining('(disnix-ssh-client: cancelled)') as string })
    expect(Date.now() - started).toBeLessThan(10_000)
    // Already cancelled: nothing runs.
    expect(await outcome(() => printInvalid(slow, [missing]))).toMatchObject({ code: 'INTERFACE_CANCELLED' })
  })
})
