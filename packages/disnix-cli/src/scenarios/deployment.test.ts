import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { coordinator, fixtures, outputContains, targetEntries, targetLines, type Coordinator } from './scenario-helpers.js'
import { runsHere } from '@disnix-ts/test-utils'

vi.setConfig({ testTimeout: 180_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the deployment scenario: ${support.reason}`)

const dir = join(fixtures, 'pipeline')
const models = (distribution = 'distribution.nix') => ['-s', join(dir, 'services.nix'), '-i', join(dir, 'infrastructure.nix'), '-d', join(dir, distribution)]
const active = async (net: Testnet) => ({
  test1: await targetEntries(net, 'test1', 'var/state/pipeline'),
  test2: await targetEntries(net, 'test2', 'var/state/pipeline'),
})
const log = async (net: Testnet) => [...(await targetLines(net, 'test1', 'var/log/pipeline.log')), ...(await targetLines(net, 'test2', 'var/log/pipeline.log'))]

// One user's session with disnix-env against two real targets, step by step (spec §5, §11).
describe.runIf(runsHere(support, 'a test network'))('disnix-env deployment scenario', () => {
  let net: Testnet
  let coord: Coordinator

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    coord = await coordinator(net)
  })
  afterAll(async () => {
    await net?.down()
    await coord?.cleanup()
  })

  test('--rollback without any deployment fails', async () => {
    const r = await coord.run('disnix-env', ['--rollback'])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('Unable to roll back as there are no known previous deployments!')
  })

  test('--dry-run prints per target what would be transferred and activated, in order, and changes nothing', async () => {
    const r = await coord.run('disnix-env', [...models(), '--dry-run'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toContain('Plan: installation from scratch')
    expect(r.stdout).toMatch(/\[target: test1\]\n {2}transfer: \d+ paths/)
    const order = [...r.stdout.matchAll(/(\d+)\. activate\s+(\w+)/g)].sort((a, b) => Number(a[1]) - Number(b[1])).map((m) => m[2])
    expect(order).toEqual(['db', 'api', 'web'])
    expect(await log(net)).toEqual([])
    expect(await targetEntries(net, 'test1', 'nix/var/nix/profiles/disnix')).toEqual([])
  })

  test('a first deployment activates every service after its dependencies, across targets', async () => {
    const r = await coord.run('disnix-env', models())
    expect(r.exitCode, r.stderr).toBe(0)
    expect(await log(net)).toEqual(expect.arrayContaining(['activate db-1', 'activate api-1', 'activate web-1']))
    const order = [...(await targetLines(net, 'test1', 'var/log/pipeline.log')), ...(await targetLines(net, 'test2', 'var/log/pipeline.log'))]
    expect(order).toHaveLength(3)
    expect(await active(net)).toEqual({ test1: ['db-1', 'web-1'], test2: ['api-1'] })
    // the package-type service lands in the target profile's bin/
    expect(await targetEntries(net, 'test2', 'nix/var/nix/profiles/disnix/default/bin')).toContain('pipeline-tool')
    // one coordinator generation; each target profile has its link and one generation
    expect(await targetEntries(net, 'test1', 'nix/var/nix/profiles/disnix')).toEqual(['default', 'default-1-link'])
    const generations = await coord.run('disnix-env', ['--list-generations'])
    expect(generations.stdout.trim().split('\n')).toHaveLength(1)
    // no lock is left behind
    expect(await targetEntries(net, 'test1', 'tmp')).not.toContain('disnix-default.lock')
  })

  test('running the same models again changes nothing', async () => {
    const before = await log(net)
    const r = await coord.run('disnix-env', models())
    expect(r.exitCode, r.stderr).toBe(0)
    expect(await log(net)).toEqual(before)
    expect(await targetEntries(net, 'test2', 'nix/var/nix/profiles/disnix')).toEqual(['default', 'default-1-link'])
    expect((await coord.run('disnix-env', ['--list-generations'])).stdout.trim().split('\n')).toHaveLength(1)
  })

  test('upgrading one service only replaces that service', async () => {
    const before1 = (await targetLines(net, 'test1', 'var/log/pipeline.log')).length
    const before2 = (await targetLines(net, 'test2', 'var/log/pipeline.log')).length
    const r = await coord.run('disnix-env', [...models(), '--extra-params', '{ webVersion = "2"; }'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect((await targetLines(net, 'test1', 'var/log/pipeline.log')).slice(before1)).toEqual(['deactivate web-1', 'activate web-2'])
    expect((await targetLines(net, 'test2', 'var/log/pipeline.log')).slice(before2)).toEqual([])
    expect(await active(net)).toEqual({ test1: ['db-1', 'web-2'], test2: ['api-1'] })
  })

  test('moving a service deactivates its dependants first and activates only what changed', async () => {
    const before1 = (await targetLines(net, 'test1', 'var/log/pipeline.log')).length
    const before2 = (await targetLines(net, 'test2', 'var/log/pipeline.log')).length
    const r = await coord.run('disnix-env', [...models('distribution-moved.nix'), '--extra-params', '{ webVersion = "2"; }'])
    expect(r.exitCode, r.stderr).toBe(0)
    const t1 = (await targetLines(net, 'test1', 'var/log/pipeline.log')).slice(before1)
    const t2 = (await targetLines(net, 'test2', 'var/log/pipeline.log')).slice(before2)
    // web (test1) goes before api (test2) goes before db (test1); then db, api, web come back in reverse
    expect(t1).toEqual(['deactivate web-2', 'deactivate db-1', 'activate web-2'])
    expect(t2).toEqual(['deactivate api-1', 'activate db-1', 'activate api-1'])
    expect(await active(net)).toEqual({ test1: ['web-2'], test2: ['api-1', 'db-1'] })
  })

  test('a failing activation rolls back to exactly the previous configuration', async () => {
    const before = await active(net)
    const generations = (await coord.run('disnix-env', ['--list-generations'])).stdout
    const r = await coord.run('disnix-env', [...models(), '--extra-params', '{ webVersion = "3"; failing = "web"; }'])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('Activation failed! Doing a rollback...')
    expect(r.stderr).toContain('web-3 refuses to start')
    expect(await active(net)).toEqual(before)
    expect((await coord.run('disnix-env', ['--list-generations'])).stdout).toBe(generations)
    expect(await targetEntries(net, 'test1', 'tmp')).not.toContain('disnix-default.lock')
  })

  test('--rollback deploys the previous generation again as a new generation', async () => {
    const r = await coord.run('disnix-env', ['--rollback'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(await active(net)).toEqual({ test1: ['db-1', 'web-2'], test2: ['api-1'] })
    expect((await coord.run('disnix-env', ['--list-generations'])).stdout.trim().split('\n')).toHaveLength(4)
  })

  test('--switch-to-generation deploys that generation; a missing one is refused', async () => {
    const r = await coord.run('disnix-env', ['--switch-to-generation', '1'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(await active(net)).toEqual({ test1: ['db-1', 'web-1'], test2: ['api-1'] })
    const missing = await coord.run('disnix-env', ['--switch-to-generation', '42'])
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain('Cannot switch profile generations, because the requested profile:')
  })

  test('a service that refuses its lock stops the deployment and leaves no target locked', async () => {
    await net.exec('test1', ['touch', '/tmp/pipeline-refuse-lock'])
    try {
      const r = await coord.run('disnix-env', [...models(), '--extra-params', '{ webVersion = "4"; }'])
      expect(r.exitCode).toBe(1)
      expect(r.stderr).toContain('Cannot lock profile')
      expect(await targetEntries(net, 'test2', 'tmp')).not.toContain('disnix-default.lock')
      expect(await active(net)).toEqual({ test1: ['db-1', 'web-1'], test2: ['api-1'] })
    } finally {
      await net.exec('test1', ['rm', '-f', '/tmp/pipeline-refuse-lock'])
    }
  })

  test('two deployments at once: the second is refused by the locks and nothing breaks', async () => {
    // The second configuration is built beforehand, so that it reaches the lock phase while the first
    // deployment is still activating its slow service.
    const built = await coord.runPlain('disnix-manifest', [...models(), '--no-out-link', '--extra-params', '{ webVersion = "6"; }'])
    expect(built.exitCode, built.stderr).toBe(0)
    const first = coord.start('disnix-env', [...models(), '--verbose', '--extra-params', '{ webVersion = "5"; slow = "web"; }'])
    await outputContains(first, 'Activating service with key')
    const second = await coord.run('disnix-deploy', [built.stdout.trim()])
    expect(second.exitCode).toBe(1)
    expect(second.stderr).toContain('Cannot lock profile')
    const result = await first
    expect(result.exitCode, result.all).toBe(0)
    expect(await active(net)).toEqual({ test1: ['db-1', 'web-5'], test2: ['api-1'] })
    expect(await targetEntries(net, 'test1', 'tmp')).not.toContain('disnix-default.lock')
  })

  test('Ctrl-C during the transition lets the running activity finish, rolls back and unlocks', async () => {
    const child = coord.start('disnix-env', [...models(), '--verbose', '--extra-params', '{ webVersion = "7"; slow = "web"; }'])
    await outputContains(child, 'Activating service with key')
    process.kill(-child.pid!, 'SIGINT')
    const result = await child
    expect(result.exitCode).toBe(1)
    expect(result.all).toContain('The activation has been interrupted, reverting back to the old state...')
    expect(await active(net)).toEqual({ test1: ['db-1', 'web-5'], test2: ['api-1'] })
    expect(await targetEntries(net, 'test1', 'tmp')).not.toContain('disnix-default.lock')
    expect(await targetEntries(net, 'test2', 'tmp')).not.toContain('disnix-default.lock')
  })

  test('a target that is down before the transition: nothing is activated anywhere and it is named', async () => {
    const before = await log(net)
    await net.linkDown('test2')
    try {
      const r = await coord.run('disnix-env', [...models(), '--extra-params', '{ webVersion = "8"; }'])
      expect(r.exitCode).toBe(1)
      expect(r.stderr).toContain('test2')
      expect(await log(net)).toEqual(before)
    } finally {
      await net.linkUp('test2')
    }
  })

  test('--delete-generations old and --delete-all-generations', async () => {
    expect((await coord.run('disnix-env', ['--delete-generations', 'old'])).exitCode).toBe(0)
    expect((await coord.run('disnix-env', ['--list-generations'])).stdout.trim().split('\n')).toHaveLength(1)
    expect((await coord.run('disnix-env', ['--delete-all-generations'])).exitCode).toBe(0)
    expect((await coord.run('disnix-env', ['--list-generations'])).stdout.trim()).toBe('')
  })
})
