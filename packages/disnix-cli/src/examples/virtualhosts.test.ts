import { rm } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { readmeSession, type ReadmeSession } from './readme-session.js'
import { runsHere } from '@disnix-ts/test-utils'

vi.setConfig({ testTimeout: 600_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the virtualhosts example: ${support.reason}`)

// Every command of examples/virtualhosts/README.md, as written, on a private network with the example's
// target names, block after block; each documented output line (# =>) must appear.
describe.runIf(runsHere(support, 'a test network'))('examples/virtualhosts README', () => {
  let net: Testnet
  let session: ReadmeSession

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    session = await readmeSession('virtualhosts', net.config)
  })
  afterAll(async () => {
    await net?.down()
    // the file the README's commands write
    await rm('/tmp/virtualhosts.svg', { force: true })
    await session?.cleanup()
  })

  test.each([
    ['set-up: the machines and SSH_OPTS', 0],
    ['deploy: each nginx serves the virtual hosts of its own machine only', 1],
    ['query and visualize', 2],
    ['move webapp2: both nginx services follow', 3],
    ['undeploy and tear-down', 4],
  ] as const)('%s', async (_title, index) => {
    const r = await session.run(index)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[index]!.expected) expect(r.stdout).toContain(line)
    if (index === 2) expect(r.stdout).toMatch(/Services on: test1\n(.*\n)*.*-nginx\n/)
  })

  test('the README has exactly the blocks above', () => {
    expect(session.blocks).toHaveLength(5)
  })
})
