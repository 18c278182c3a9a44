import { readdir, readFile, realpath } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { coordinator, fixtures, holdOperation, outputContains, targetEntries, waitForLines, type Coordinator } from './scenario-helpers.js'

vi.setConfig({ testTimeout: 180_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the lost-target scenario: ${support.reason}`)

const dir = join(fixtures, 'pipeline')
const models = ['-s', join(dir, 'services.nix'), '-i', join(dir, 'infrastructure.nix'), '-d', join(dir, 'distribution.nix')]
const version = (web: string, api = '1', more = '') => ['--extra-params', `{ webVersion = "${web}"; apiVersion = "${api}"; ${more} }`]
// Seconds from a fault to the end of the run, for the report (no assertion on timing).
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1)
const SERVICE = /\/nix\/store\/[a-z0-9]{32}-((?:db|api|web)-\d+)\b/g
const services = (text: string) => [...new Set([...text.matchAll(SERVICE)].map((m) => m[1]!))].sort()

/**
 * Everything a user can observe of the deployment: the services really active on each target (the
 * services' marker files), each target's Disnix profile, the coordinator profile, the locks and the
 * coordinator's record of who holds them.
 */
async function observe(net: Testnet, coord: Coordinator) {
  const per = async (f: (t: string) => Promise<string[]>) => ({ test1: await f('test1'), test2: await f('test2') })
  return {
    active: await per((t) => targetEntries(net, t, 'var/state/pipeline')),
    targetProfiles: await per(async (t) => {
      const r = await net.exec(t, ['cat', '/nix/var/nix/profiles/disnix/default/profilemanifest.xml'])
      expect(r.exitCode, r.stderr).toBe(0)
      return services(r.stdout)
    }),
    coordinatorProfile: services(await readFile(await realpath(join(coord.profileDir, 'default')), 'utf8')),
    locks: await per(async (t) => (await targetEntries(net, t, 'tmp')).filter((f) => f.endsWith('.lock'))),
    lockOwner: (await readdir(coord.profileDir)).includes('.default.lock-owner.json'),
  }
}

/** What disnix-query sees on each target (all reachable). */
async function queried(coord: Coordinator): Promise<Record<string, string[]>> {
  const r = await coord.runPlain('disnix-query', ['-f', 'services', join(dir, 'infrastructure.nix')])
  expect(r.exitCode, r.stderr).toBe(0)
  const out: Record<string, string[]> = {}
  for (const part of r.stdout.split(/^Services on: /m).slice(1)) {
    const [name, ...rest] = part.split('\n')
    out[name!.trim()] = services(rest.join('\n'))
  }
  return out
}

/** The state of a configuration everywhere, unlocked. */
function configured(web: string, api: string, db = '1') {
  const on = { test1: [`db-${db}`, `web-${web}`], test2: [`api-${api}`] }
  return { active: on, targetProfiles: on, coordinatorProfile: [`api-${api}`, `db-${db}`, `web-${web}`], locks: { test1: [], test2: [] }, lockOwner: false }
}

/** Runs the command a message printed, literally (it holds no quoted words). */
async function runPrinted(coord: Coordinator, command: string) {
  const [tool, ...args] = command.trim().split(/\s+/)
  return coord.runPlain(tool!, args)
}

const finishCommand = (output: string) => /finish the deployment with: (disnix-deploy \S.*)$/m.exec(output)?.[1]
const lossOfTest2 = /\[target: test2\]: unreachable: (?:no answer for 10 s from|cannot connect to) 10\.\d+\.\d+\.12 port 22/

// A target whose link goes down in each phase of a deployment (issue 14): the reachable target ends in
// the previous configuration (or, once every profile is set, the new one), the run says per target what
// is where, and the command it prints finishes the job once the target is back.
describe.runIf(runsHere(support, 'a test network'))('a target lost in each phase of a deployment', () => {
  let net: Testnet
  let coord: Coordinator

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    coord = await coordinator(net)
    const first = await coord.run('disnix-env', [...models, ...version('1')])
    expect(first.exitCode, first.stderr).toBe(0)
  })
  afterAll(async () => {
    await net?.down()
    await coord?.cleanup()
  })

  // Each test starts from the configuration the previous one finished, checked here.
  const from = async (web: string, api: string) => {
    const before = await observe(net, coord)
    expect(before).toEqual(configured(web, api))
    return before
  }

  test('during distribution: nothing changes; the printed command finishes the job', async () => {
    const before = await from('1', '1')
    // One transfer at a time, test2's last and big: its link goes down while its closure is sent.
    const child = coord.start('disnix-env', [...models, '-m', '1', ...version('21', '21', 'payload = "64";')])
    await outputContains(child, '[target: test2]: Receiving intra-dependency closure')
    await net.linkDown('test2')
    const since = Date.now()
    let r
    try {
      r = await child
      console.log(`link down during distribution: failed after ${seconds(since)} s (exit ${r.exitCode})\n${r.all}`)
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`Distributing the closures failed: ${lossOfTest2.source}`))
      expect(r.all).not.toContain('[target: test2]: [target: test2]:')
      expect(r.all).toContain('nothing was changed on any target (only closures were copied):')
      expect(r.all).toMatch(/^ {2}test1: unchanged: the previous configuration is active$/m)
      expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the previous configuration$/m)
      expect(await observe(net, coord)).toEqual(before)
    } finally {
      await net.linkUp('test2')
    }
    expect(await queried(coord)).toEqual(before.active)
    const finish = await runPrinted(coord, finishCommand(r.all)!)
    expect(finish.exitCode, finish.stderr).toBe(0)
    expect(await observe(net, coord)).toEqual(configured('21', '21'))
    expect(await queried(coord)).toEqual(configured('21', '21').active)
  })

  test('during locking: the reachable target is unlocked again; the lost one keeps its lock until the printed command', async () => {
    const before = await from('21', '21')
    const hold = holdOperation(net, 'test2', 'lock')
    await hold.set()
    const child = coord.start('disnix-env', [...models, ...version('22', '21')])
    try {
      await hold.holding()
      await net.linkDown('test2')
    } finally {
      // The lock request reached test2: it completes there, unseen by the coordinator.
      await hold.release()
    }
    const since = Date.now()
    let r
    try {
      await waitForLines(net, 'test2', 'tmp/disnix-default.lock')
      r = await child
      console.log(`link down during locking: failed after ${seconds(since)} s (exit ${r.exitCode})\n${r.all}`)
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`Cannot lock profile: default: ${lossOfTest2.source}`))
      expect(r.all).not.toContain('another deployment may be running')
      expect(r.all).toMatch(/test1 was unlocked again; no service was touched:/)
      expect(r.all).toMatch(/^ {2}test1: unchanged: the previous configuration is active$/m)
      expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the previous configuration; it may hold this deployment's lock/m)
      expect(await observe(net, coord)).toEqual({ ...before, locks: { test1: [], test2: ['disnix-default.lock'] }, lockOwner: true })
    } finally {
      await net.linkUp('test2')
    }
    expect(await queried(coord)).toEqual(before.active)
    const finish = await runPrinted(coord, finishCommand(r.all)!)
    expect(finish.exitCode, finish.stderr).toBe(0)
    expect(finish.stderr).toMatch(/Taking over the locks of a deployment that is gone: pid \d+ on host \S+ \(profile default, .*targets test2\)/)
    expect(await observe(net, coord)).toEqual(configured('22', '21'))
    expect(await queried(coord)).toEqual(configured('22', '21').active)
  })

  test('during deactivation: the service deactivated on the reachable target is activated again', async () => {
    const before = await from('22', '21')
    // web (test1) is deactivated before api (test2), which it depends on; test2 goes while web is.
    const hold = holdOperation(net, 'test1', 'deactivate')
    await hold.set()
    const child = coord.start('disnix-env', [...models, ...version('23', '23')])
    try {
      await hold.holding()
      await net.linkDown('test2')
    } finally {
      await hold.release()
    }
    const since = Date.now()
    let r
    try {
      r = await child
      console.log(`link down during deactivation: failed after ${seconds(since)} s (exit ${r.exitCode})\n${r.all}`)
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`The transition failed: ${lossOfTest2.source}.*; the deployment was undone where possible:`))
      expect(r.all).not.toContain('[target: test2]: [target: test2]:')
      expect(r.all).toMatch(/^ {2}test1: rolled back: the previous configuration is active$/m)
      expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the previous configuration, except the deactivation of api, which was running when it was lost and may or may not have happened; it keeps this deployment's lock/m)
      expect(await observe(net, coord)).toEqual({ ...before, locks: { test1: [], test2: ['disnix-default.lock'] }, lockOwner: true })
    } finally {
      await net.linkUp('test2')
    }
    expect(await queried(coord)).toEqual(before.active)
    const finish = await runPrinted(coord, finishCommand(r.all)!)
    expect(finish.exitCode, finish.stderr).toBe(0)
    expect(await observe(net, coord)).toEqual(configured('23', '23'))
    expect(await queried(coord)).toEqual(configured('23', '23').active)
  })

  test('while setting the profiles: the reachable target goes back to the previous configuration and profile', async () => {
    const before = await from('23', '23')
    // test2 has nothing to do until its profile is set: its link goes while web activates on test1.
    const hold = holdOperation(net, 'test1', 'activate')
    await hold.set()
    const child = coord.start('disnix-env', [...models, ...version('24', '23')])
    try {
      await hold.holding()
      await net.linkDown('test2')
    } finally {
      await hold.release()
    }
    const since = Date.now()
    let r
    try {
      r = await child
      console.log(`link down while setting the profiles: failed after ${seconds(since)} s (exit ${r.exitCode})\n${r.all}`)
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`Setting the profiles failed: ${lossOfTest2.source}.*; the deployment was undone where possible:`))
      expect(r.all).not.toContain('[target: test2]: [target: test2]:')
      expect(r.all).toMatch(/^ {2}test1: rolled back: the previous configuration is active$/m)
      expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the previous configuration \(this deployment changed nothing there\); it keeps this deployment's lock/m)
      expect(await observe(net, coord)).toEqual({ ...before, locks: { test1: [], test2: ['disnix-default.lock'] }, lockOwner: true })
    } finally {
      await net.linkUp('test2')
    }
    expect(await queried(coord)).toEqual(before.active)
    const finish = await runPrinted(coord, finishCommand(r.all)!)
    expect(finish.exitCode, finish.stderr).toBe(0)
    expect(await observe(net, coord)).toEqual(configured('24', '23'))
    expect(await queried(coord)).toEqual(configured('24', '23').active)
  })

  test('while unlocking: the deployment is done; the lost target keeps its lock until the printed disnix-lock command', async () => {
    await from('24', '23')
    const hold = holdOperation(net, 'test2', 'unlock')
    await hold.set()
    const child = coord.start('disnix-env', [...models, ...version('25', '23')])
    try {
      const group = await hold.holding()
      await net.linkDown('test2')
      // The remote unlock dies with the target's side of the connection, as in a crash: the lock stays.
      const killed = await net.exec('test2', ['kill', '-9', '--', `-${group}`])
      expect(killed.exitCode, killed.stderr).toBe(0)
    } finally {
      await hold.release()
    }
    const since = Date.now()
    let r
    try {
      r = await child
      console.log(`link down while unlocking: failed after ${seconds(since)} s (exit ${r.exitCode})\n${r.all}`)
      expect(r.exitCode).toBe(3)
      expect(r.all).not.toContain('The deployment failed!')
      expect(r.all).toMatch(new RegExp(`The deployment is done: the new configuration is active and every profile is set; but test2 was lost while the locks were released \\(${lossOfTest2.source}.*\\), so it may keep this deployment's lock`))
      expect(r.all).not.toContain('[target: test2]: [target: test2]:')
      expect(await observe(net, coord)).toEqual({ ...configured('25', '23'), locks: { test1: [], test2: ['disnix-default.lock'] }, lockOwner: true })
    } finally {
      await net.linkUp('test2')
    }
    expect(await queried(coord)).toEqual(configured('25', '23').active)
    const unlock = /release the lock with: (disnix-lock --unlock --target test2 -p default --coordinator-profile-path \S+ \/nix\/store\/\w+-manifest\.xml)/.exec(r.all)?.[1]
    expect(unlock).toBeDefined()
    const released = await runPrinted(coord, unlock!)
    expect(released.exitCode, released.stderr).toBe(0)
    expect((await observe(net, coord)).locks).toEqual({ test1: [], test2: [] })
    // The next deployment takes over what the lost run's record names, finding nothing left to release.
    const next = await coord.run('disnix-env', [...models, ...version('25', '23')])
    expect(next.exitCode, next.stderr).toBe(0)
    expect(await observe(net, coord)).toEqual(configured('25', '23'))
  })

  // Two runs on one profile, the second started while the first is held in each phase: it is refused,
  // naming the first (who, since when); the first ends alone; everything agrees on its configuration.
  test.each([
    ['locking', 'test2', 'lock', '31'],
    ['activation', 'test1', 'activate', '32'],
    ['unlocking', 'test2', 'unlock', '33'],
  ])('a second run started during the first one\'s %s is refused naming it; the first ends alone', async (_phase, target, operation, web) => {
    const hold = holdOperation(net, target, operation)
    await hold.set()
    const first = coord.start('disnix-env', [...models, ...version(web, '23')])
    let second
    try {
      await hold.holding()
      second = await coord.run('disnix-env', [...models, ...version('39', '23')])
    } finally {
      await hold.release()
    }
    const rf = await first
    expect(rf.exitCode, rf.all).toBe(0)
    expect(second.exitCode).toBe(1)
    expect(second.stderr).toMatch(/Cannot lock profile: default: another deployment holds its locks: pid \d+ on host \S+ \(profile default, .*\) since \d{4}-\d\d-\d\dT/)
    expect(await observe(net, coord)).toEqual(configured(web, '23'))
    expect(await queried(coord)).toEqual(configured(web, '23').active)
  })

  // Phases too short to hold (the end of distribution, setting the profiles): the second run meets the
  // first one's locks, or plans from what the first one left; either way one configuration is active.
  test.each([
    ['distribution', 'Acquiring locks...', '34'],
    ['setting of the profiles', 'Setting profiles...', '35'],
  ])('a second run started at the end of the first one\'s %s ends with one configuration everywhere', async (_phase, marker, web) => {
    const first = coord.start('disnix-env', [...models, '--verbose', ...version(web, '23')])
    await outputContains(first, `[coordinator]: ${marker}`)
    const second = await coord.run('disnix-env', [...models, ...version('36', '23')])
    const rf = await first
    expect(rf.exitCode, rf.all).toBe(0)
    console.log(`second run at the end of the first one's ${_phase}: exit ${second.exitCode}`)
    if (second.exitCode !== 0) expect(second.stderr).toMatch(/another deployment holds its locks: pid \d+ on host /)
    const winner = second.exitCode === 0 ? '36' : web
    expect(await observe(net, coord)).toEqual(configured(winner, '23'))
    expect(await queried(coord)).toEqual(configured(winner, '23').active)
  })

  test('during activation, with a new service already activated on the reachable target: it is deactivated and the old one activated again', async () => {
    // The overlapping runs above end with either one's web version.
    const web = (await observe(net, coord)).active.test1.find((s) => s.startsWith('web-'))!.slice('web-'.length)
    const before = await from(web, '23')
    // db (test1) is activated before api (test2), which depends on it; test2 goes while db activates.
    const hold = holdOperation(net, 'test1', 'activate')
    await hold.set()
    const child = coord.start('disnix-env', [...models, ...version(web, '26', 'dbVersion = "2";')])
    try {
      await hold.holding()
      await net.linkDown('test2')
    } finally {
      await hold.release()
    }
    const since = Date.now()
    let r
    try {
      r = await child
      console.log(`link down during activation: failed after ${seconds(since)} s (exit ${r.exitCode})\n${r.all}`)
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`The transition failed: ${lossOfTest2.source}.*; the deployment was undone where possible:`))
      expect(r.all).not.toContain('[target: test2]: [target: test2]:')
      expect(r.all).toMatch(/^ {2}test1: rolled back: the previous configuration is active$/m)
      expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the previous configuration with api deactivated, except the activation of api, which was running when it was lost and may or may not have happened; it keeps this deployment's lock/m)
      // api was deactivated on test2 before its link went down, and the new one never reached it.
      expect(await observe(net, coord)).toEqual({ ...before, active: { test1: before.active.test1, test2: [] }, locks: { test1: [], test2: ['disnix-default.lock'] }, lockOwner: true })
    } finally {
      await net.linkUp('test2')
    }
    // disnix-query reports the target profiles: still the previous configuration.
    expect(await queried(coord)).toEqual(before.targetProfiles)
    const finish = await runPrinted(coord, finishCommand(r.all)!)
    expect(finish.exitCode, finish.stderr).toBe(0)
    expect(await observe(net, coord)).toEqual(configured(web, '26', '2'))
    expect(await queried(coord)).toEqual(configured(web, '26', '2').active)
  })
})
