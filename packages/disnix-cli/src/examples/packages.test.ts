import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { readmeSession, type ReadmeSession } from './readme-session.js'
import { runsHere } from '@disnix-ts/test-utils'

vi.setConfig({ testTimeout: 600_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the packages example: ${support.reason}`)

// Every command of examples/packages/README.md, as written, on a private network with the example's
// target names, block after block; each documented output line (# =>) must appear.
describe.runIf(runsHere(support, 'a test network'))('examples/packages README', () => {
  let net: Testnet
  let session: ReadmeSession

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    session = await readmeSession('packages', net.config)
  })
  afterAll(async () => {
    await net?.down()
    await session?.cleanup()
  })

  test.each([
    ['set-up: the machines and SSH_OPTS', 0],
    ['the packages model alone: its packages are in each profile', 1],
    ['with the services model: the package service joins them', 2],
    ['upgrade and rollback of the package service', 3],
    ['undeploy and tear-down', 4],
  ] as const)('%s', async (_title, index) => {
    const r = await session.run(index)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[index]!.expected) expect(r.stdout).toContain(line)
  })

  test('the README has exactly the blocks above', () => {
    expect(session.blocks).toHaveLength(5)
  })
})
