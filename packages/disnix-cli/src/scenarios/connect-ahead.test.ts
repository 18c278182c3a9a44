import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { queryMasterStatus, type MasterStatus } from '@disnix-ts/disnix-ssh'
import { installRoot } from '@disnix-ts/libmain'
import { runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { coordinator, type Coordinator } from './scenario-helpers.js'

vi.setConfig({ testTimeout: 180_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the connect-ahead scenario: ${support.reason}`)

// A services model that takes a few seconds to evaluate, as a real package set does: disnix-env's
// deploy step connects to the targets meanwhile, and the deployment then uses that connection.
const SERVICES = `{ system, pkgs, distribution, invDistribution }:
let slow = builtins.foldl' (a: i: a + builtins.foldl' (b: j: b + j) 0 (builtins.genList (x: x) 1000)) 0 (builtins.genList (x: x) 20000); in
assert slow > 0;
{ s = { name = "s"; type = "echo"; pkg = pkgs.writeTextFile { name = "connect-ahead-s"; text = "s"; }; }; }
`

describe.runIf(runsHere(support, 'a test network'))('disnix-env connects to the targets while the manifest is built', () => {
  let net: Testnet
  let coord: Coordinator
  let dir: string

  beforeAll(async () => {
    net = await startTestnet({ targets: ['ahead1'] })
    coord = await coordinator(net)
    dir = await mkdtemp(join(tmpdir(), 'disnix-connect-ahead-'))
    await writeFile(join(dir, 'services.nix'), SERVICES)
    await writeFile(join(dir, 'infrastructure.nix'), '{ ahead1 = { properties.hostname = "ahead1"; }; }\n')
    await writeFile(join(dir, 'distribution.nix'), '{ infrastructure }: { s = [ infrastructure.ahead1 ]; }\n')
  })
  afterAll(async () => {
    await net?.down()
    await coord?.cleanup()
    await rm(dir, { recursive: true, force: true })
  })

  /** Runs disnix-env with its own master sockets; returns its result and the master seen before anything was distributed. */
  const deploy = async () => {
    const runtime = await mkdtemp(join(tmpdir(), 'disnix-connect-ahead-run-'))
    const sockets = join(runtime, 'disnix-ssh')
    const models = ['-s', join(dir, 'services.nix'), '-i', join(dir, 'infrastructure.nix'), '-d', join(dir, 'distribution.nix')]
    const child = execa(join(installRoot(), 'bin', 'disnix-env'), [...models, '--coordinator-profile-path', coord.profileDir, '--no-health-checks'], {
      env: { ...coord.env, XDG_RUNTIME_DIR: runtime },
      reject: false,
      all: true,
    })
    let output = ''
    child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    let ahead: MasterStatus | undefined
    let socket: string | undefined
    // The master appears (its socket) while the manifest is still being built.
    while (child.exitCode === null && !output.includes('Distributing')) {
      socket = (await readdir(sockets).catch(() => [] as string[])).filter((n) => n.endsWith('.sock')).map((n) => join(sockets, n))[0]
      ahead = socket === undefined ? undefined : await queryMasterStatus(socket)
      if (ahead !== undefined) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const seenBefore = !output.includes('Distributing')
    const result = await child
    const after = socket === undefined ? undefined : await queryMasterStatus(socket)
    if (after) process.kill(after.pid, 'SIGTERM')
    await rm(runtime, { recursive: true, force: true })
    return { result, ahead, seenBefore, after }
  }

  test('a first deployment: the master for the infrastructure model\'s target starts before the manifest is built, and the deployment runs over it', async () => {
    const { result, ahead, seenBefore, after } = await deploy()
    expect(result.exitCode, result.all).toBe(0)
    expect(ahead).toBeDefined()
    expect(seenBefore).toBe(true)
    expect(ahead!.commands).toBe(0)
    // One connection for the whole deployment: its calls went to the master started ahead.
    expect(after).toMatchObject({ connects: 1 })
    expect(after!.served).toBeGreaterThan(0)
  })

  test('a redeployment: the targets of the previous manifest are connected to ahead', async () => {
    const { result, ahead, seenBefore, after } = await deploy()
    expect(result.exitCode, result.all).toBe(0)
    expect(result.all).toContain('Using previous manifest')
    expect(ahead).toBeDefined()
    expect(seenBefore).toBe(true)
    expect(after).toMatchObject({ connects: 1 })
  })
})
