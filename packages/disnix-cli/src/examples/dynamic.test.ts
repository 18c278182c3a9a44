import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { runBin, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { examplesDir, readmeSession, type ReadmeSession } from './readme-session.js'

vi.setConfig({ testTimeout: 600_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the dynamic example: ${support.reason}`)

// Every command of examples/dynamic/README.md (Dynamic Disnix), as written, on a private network with
// the example's machine names; each documented output line (# =>) must appear.
describe.runIf(runsHere(support, 'a test network'))('examples/dynamic README', () => {
  let net: Testnet
  let session: ReadmeSession
  const dir = join(examplesDir, 'dynamic')

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2', 'test3'] })
    session = await readmeSession('dynamic', net.config, { TMPDIR: net.dir })
  })
  afterAll(async () => {
    await net?.down()
    await session?.cleanup()
    await rm(join(dir, 'ids.nix'), { force: true })
    await rm(join(dir, 'catalogue'), { recursive: true, force: true })
  })

  const runBlock = async (index: number) => {
    const r = await session.run(index)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[index]!.expected) expect(r.stdout, r.all).toContain(line)
    return r
  }

  test('the README has its set-up, deploy, snapshot, crash, return, catalogue and tear-down steps', () => {
    expect(session.blocks).toHaveLength(7)
  })

  test('set-up: three machines that report their memory', async () => {
    await runBlock(0)
  })

  test('deploy: discovered, augmented, divided by memory, the server on an assigned port', async () => {
    const r = await runBlock(1)
    expect(session.blocks[1]!.expected).toHaveLength(5)
    expect(r.all).toContain('[coordinator]: Updating the ID assignments...')
  })

  test('a note, backed up on the coordinator', async () => {
    const r = await runBlock(2)
    expect(r.all).toContain('Snapshotting state of service: notes')
  })

  test('test1 crashes: one round moves its services, the notes come back from their snapshot', async () => {
    const r = await runBlock(3)
    expect(r.all).toContain('[target: test1]: Not available')
    expect(r.all).toContain('[target: test2]: Restoring state of service: notes')
  })

  test('test1 comes back and is used again; the notes written meanwhile follow', async () => {
    await runBlock(4)
  })

  test('the services catalogue and the picture of the machines', async () => {
    await runBlock(5)
  })

  test('undeploy and tear-down', async () => {
    await runBlock(6)
    const status = await runBin('disnix-testnet', ['status'], { env: session.env })
    expect(status.stdout).toMatch(/test1\s.*down/)
  })
})
