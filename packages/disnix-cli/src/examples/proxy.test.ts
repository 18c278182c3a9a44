import { readFile, rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { readmeSession, type ReadmeSession } from './readme-session.js'
import { runsHere } from '@disnix-ts/test-utils'

vi.setConfig({ testTimeout: 600_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the proxy example: ${support.reason}`)

// Every command of examples/proxy/README.md, as written: a client loops requests through the proxy
// while the server behind it is upgraded, and must see no error.
describe.runIf(runsHere(support, 'a test network'))('examples/proxy README', () => {
  let net: Testnet
  let session: ReadmeSession

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    session = await readmeSession('proxy', net.config)
  })
  afterAll(async () => {
    await net?.down()
    // the file the README's commands write
    await rm('/tmp/hello-loop.out', { force: true })
    await session?.cleanup()
  })

  test('the README has its set-up, deploy, upgrade, log and tear-down steps', () => {
    expect(session.blocks.map((b) => b.expected.length)).toEqual([0, 2, 1, 1, 0])
  })

  test('set-up and deploy: version 1 answers through the proxy', async () => {
    expect((await session.run(0)).exitCode).toBe(0)
    const r = await session.run(1)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[1]!.expected) expect(r.stdout).toContain(line)
  })

  test('upgrade: the looping client sees version 1, then version 2, and not a single error', async () => {
    const r = await session.run(2)
    const proxyLog = (await net.exec('test1', ['cat', '/var/log/tcpproxy.log'])).stdout
    expect(r.exitCode, `${r.all}\n--- /var/log/tcpproxy.log on test1:\n${proxyLog}`).toBe(0)
    for (const line of session.blocks[2]!.expected) expect(r.stdout).toContain(line)
    const loop = await readFile('/tmp/hello-loop.out', 'utf8')
    expect(loop).toMatch(/^\d+ x Hello from server version 1 on test2$/m)
    expect(loop).toMatch(/^\d+ x Hello from server version 2 on test2$/m)
    expect(loop).not.toContain('error:')
    expect(loop).toMatch(/^0 errors$/m)
    // the proxy was not redeployed: it was only locked and unlocked
    expect(r.all).not.toMatch(/Deactivating service .*-tcpproxy/)
  })

  test('the proxy log shows the queue being released', async () => {
    const r = await session.run(3)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[3]!.expected) expect(r.stdout).toContain(line)
  })

  test('undeploy and tear-down', async () => {
    const r = await session.run(4)
    expect(r.exitCode, r.all).toBe(0)
  })
})
