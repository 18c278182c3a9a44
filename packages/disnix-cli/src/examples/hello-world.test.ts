import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { runBin, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { readmeSession, type ReadmeSession } from './readme-session.js'

vi.setConfig({ testTimeout: 600_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the hello-world example: ${support.reason}`)

// Every command of examples/hello-world/README.md, as written, on a private network with the
// example's target names; each documented output line (# =>) must appear.
describe.runIf(runsHere(support, 'a test network'))('examples/hello-world README', () => {
  let net: Testnet
  let session: ReadmeSession

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    session = await readmeSession('hello-world', net.config)
  })
  afterAll(async () => {
    await net?.down()
    await session?.cleanup()
  })

  test('the README has its set-up, deploy, move, rollback and tear-down steps', () => {
    expect(session.blocks).toHaveLength(5)
  })

  test('set-up: disnix-testnet up -i keeps the running machines and exports SSH_OPTS', async () => {
    const r = await session.run(0)
    expect(r.exitCode, r.all).toBe(0)
  })

  test('deploy: the client on test2 shows the greeting of the server on test1', async () => {
    const r = await session.run(1)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[1]!.expected) expect(r.stdout).toContain(line)
    expect(session.blocks[1]!.expected).toHaveLength(1)
  })

  test('move: the server moves to test2 and the client follows', async () => {
    const r = await session.run(2)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[2]!.expected) expect(r.stdout).toContain(line)
    // the old server is gone from test1
    const pid = await net.exec('test1', ['test', '-e', '/run/hello-server.pid'])
    expect(pid.exitCode).toBe(1)
  })

  test('query and rollback: the server is back on test1', async () => {
    const r = await session.run(3)
    expect(r.exitCode, r.all).toBe(0)
    expect(r.stdout).toContain('Services on: test1')
    for (const line of session.blocks[3]!.expected) expect(r.stdout).toContain(line)
  })

  test('undeploy and tear-down: no process is left and the network is down', async () => {
    const r = await session.run(4)
    expect(r.exitCode, r.all).toBe(0)
    const status = await runBin('disnix-testnet', ['status'], { env: session.env })
    expect(status.stdout).toMatch(/test1\s.*down/)
    expect(status.stdout).toMatch(/test2\s.*down/)
  })
})
