import { randomBytes } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { runBin, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { readmeSession, removeCoordinatorProfile, type ReadmeSession } from './readme-session.js'
import { runDemo } from './run-demo.js'

vi.setConfig({ testTimeout: 600_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the demo: ${support.reason}`)

// The README's first command end to end on its own network (three machines), then every command of
// examples/stafftracker/README.md, which continues from where the demo leaves off. StaffTracker is
// deployed once; the README's follow-up moves a database with its rows.
describe.runIf(runsHere(support, 'a test network'))('scripts/demo and the stafftracker README', () => {
  let net: Testnet
  let session: ReadmeSession
  let demoEnv: NodeJS.ProcessEnv
  const profile = `demo-test-${randomBytes(4).toString('hex')}`
  const test3 = () => net.targets.find((t) => t.name === 'test3')!.address

  beforeAll(async () => {
    // A network index of our own (so parallel test files never collide), with its machines stopped
    // again: the demo must start them itself, as on a fresh machine.
    net = await startTestnet({ targets: ['test1', 'test2', 'test3'] })
    const down = await runBin('disnix-testnet', ['down', '--dir', net.config.dir])
    expect(down.exitCode, down.stderr).toBe(0)
    demoEnv = {
      // scripts/test has just run scripts/setup; the demo's own run of it is the same command.
      DISNIX_DEMO_SKIP_SETUP: '1',
      DISNIX_DEMO_DIR: net.config.dir,
      DISNIX_DEMO_NET: net.config.net,
      DISNIX_DEMO_BRIDGE: net.config.bridge,
      DISNIX_DEMO_PREFIX: net.config.nsPrefix,
      DISNIX_DEMO_PROFILE: profile,
    }
    session = await readmeSession('stafftracker', net.config, { DISNIX_DEMO_DIR: net.config.dir })
  })
  afterAll(async () => {
    await net?.down()
    // the file the README's commands write
    await rm('/tmp/stafftracker.svg', { force: true })
    await removeCoordinatorProfile(profile)
  })

  test('the demo starts the machines, deploys StaffTracker and proves it runs', async () => {
    const r = await runDemo(demoEnv)
    expect(r.exitCode, r.all).toBe(0)
    expect(r.all).toContain('[target: test3]: up at')
    expect(r.stdout).toContain(`[demo]: StaffTracker is running. nginx on test3 (http://${test3()}/) serves a page whose first row is:\n`)
    expect(r.stdout).toContain('[demo]:   Ada Lovelace | HB 08.060 | Mekelweg, 2628 CD Delft\n')
    expect(r.stdout).toContain('[demo]: The staff member comes from the staff database on test2, through staffservice on test2.\n')
    expect(r.stdout).toContain(`[demo]:   source ${net.config.dir}/env.sh\n`)
    expect(r.stdout).toContain(`[demo]:   disnix-query ${installRoot()}/examples/stafftracker/infrastructure.nix\n`)
    expect(r.stdout).toContain(`[demo]:   source ${net.config.dir}/env.sh && disnix-testnet down\n`)
    expect(await readFile(join(net.config.dir, 'stafftracker.svg'), 'utf8')).toContain('<svg')
    // The proof is real: the page comes from nginx on test3, reached over the test bridge.
    const page = await (await fetch(`http://${test3()}/`)).text()
    expect(page).toContain('<li class="source">zipcodes database on test1, through zipcodeservice on test1</li>')
  })

  test('running the demo again keeps the machines and redeploys nothing', async () => {
    const r = await runDemo(demoEnv)
    expect(r.exitCode, r.all).toBe(0)
    expect(r.all).toContain('[target: test1]: already up')
    expect(r.all).not.toContain('Activating service')
    expect(r.stdout).toContain('[demo]:   Ada Lovelace | HB 08.060 | Mekelweg, 2628 CD Delft\n')
  })

  test('the stafftracker README has its steps', () => {
    expect(session.blocks.map((b) => b.expected.length)).toEqual([0, 0, 2, 0, 2, 1, 0, 0])
  })

  test.each([
    ['README: load the demo\'s settings', 0],
    ['README: deploying again changes nothing; disnix-query lists the services', 1],
    ['README: the page and where its rows come from', 2],
    ['README: add a row to the staff database', 3],
    ['README: move the staff database; the new row moves with it', 4],
    ['README: restart the machines; --repair brings StaffTracker back with its rows', 5],
    ['README: draw the deployment', 6],
  ] as const)('%s', async (_title, index) => {
    const r = await session.run(index)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[index]!.expected) expect(r.stdout).toContain(line)
    if (index === 5) {
      expect(r.all).toMatch(/restarted with a deployment whose services are not running; bring them back with: disnix-env --repair/)
      expect(r.all).toMatch(/Service: postgresql is failing/)
      expect(r.all).toMatch(/Service: nginx is failing/)
    }
    if (index === 1) {
      expect(r.all).not.toContain('Activating service')
      expect(r.stdout).toMatch(/Services on: test2\n(.*\n)*.*-staff\n/)
    }
  })

  test('README: tear the network down', async () => {
    const r = await session.run(7)
    expect(r.exitCode, r.all).toBe(0)
    const status = await runBin('disnix-testnet', ['status', '--dir', net.config.dir])
    expect(status.stdout).toMatch(/test3\s.*down/)
  })
})
