import { lstat, mkdir, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { runsHere, suiteDir } from '@disnix-ts/test-utils'
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

type Run = Awaited<ReturnType<Coordinator['start']>>
const finishCommand = (output: string) => /finish the deployment with: (disnix-deploy \S.*)$/m.exec(output)?.[1]
const lossOfTest2 = /\[target: test2\]: unreachable: (?:(?:no answer for 10 s from|cannot connect to) 10\.\d+\.\d+\.12 port 22|the connection stopped responding \(no answer within 5 s from 10\.\d+\.\d+\.12 port 22\))/

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

  /** Starts disnix-env; test2's link goes down while `operation` is held on `target`, which then goes on. */
  const startLosingTest2 = async (target: string, operation: string, args: readonly string[]) => {
    const hold = holdOperation(net, target, operation)
    await hold.set()
    const child = coord.start('disnix-env', args)
    try {
      await hold.holding()
      await net.linkDown('test2')
    } finally {
      await hold.release()
    }
    // Wrapped: an async function returning the (thenable) run would wait for its end.
    return { child }
  }

  /** Waits for the end of a run that lost test2 and checks it while the link is still down; then the link comes back. */
  const endWithoutTest2 = async (child: ReturnType<Coordinator['start']>, what: string, check: (r: Run) => Promise<void>): Promise<Run> => {
    const since = Date.now()
    try {
      const r = await child
      console.log(`link down ${what}: failed after ${seconds(since)} s (exit ${r.exitCode})\n${r.all}`)
      await check(r)
      return r
    } finally {
      await net.linkUp('test2')
    }
  }

  /** Once test2 is back: disnix-query still reports `query` (when given); the printed command then deploys `want`. */
  const finishes = async (r: Run, query: Record<string, string[]> | undefined, want: ReturnType<typeof configured>) => {
    if (query) expect(await queried(coord)).toEqual(query)
    const finish = await runPrinted(coord, finishCommand(r.all)!)
    expect(finish.exitCode, finish.stderr).toBe(0)
    expect(await observe(net, coord)).toEqual(want)
    expect(await queried(coord)).toEqual(want.active)
    return finish
  }

  test('during distribution: nothing changes; the printed command finishes the job', async () => {
    const before = await from('1', '1')
    // One transfer at a time, test2's last and big: its link goes down while its closure is sent.
    const child = coord.start('disnix-env', [...models, '-m', '1', ...version('21', '21', 'payload = "64";')])
    await outputContains(child, '[target: test2]: Receiving intra-dependency closure')
    await net.linkDown('test2')
    const r = await endWithoutTest2(child, 'during distribution', async (r) => {
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`Distributing the closures failed: ${lossOfTest2.source}`))
      expect(r.all).not.toContain('[target: test2]: [target: test2]:')
      expect(r.all).toContain('nothing was changed on any target (only closures were copied):')
      expect(r.all).toMatch(/^ {2}test1: unchanged: the previous configuration is active$/m)
      expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the previous configuration$/m)
      expect(await observe(net, coord)).toEqual(before)
    })
    await finishes(r, before.active, configured('21', '21'))
  })

  test('during locking: the reachable target is unlocked again; the lost one keeps its lock until the printed command', async () => {
    const before = await from('21', '21')
    // The lock request reached test2: it completes there, unseen by the coordinator.
    const { child } = await startLosingTest2('test2', 'lock', [...models, ...version('22', '21')])
    const r = await endWithoutTest2(child, 'during locking', async (r) => {
      await waitForLines(net, 'test2', 'tmp/disnix-default.lock')
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`Cannot lock profile: default: ${lossOfTest2.source}`))
      expect(r.all).not.toContain('another deployment may be running')
      expect(r.all).toMatch(/test1 was unlocked again; no service was touched:/)
      expect(r.all).toMatch(/^ {2}test1: unchanged: the previous configuration is active$/m)
      expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the previous configuration; it may hold this deployment's lock/m)
      expect(await observe(net, coord)).toEqual({ ...before, locks: { test1: [], test2: ['disnix-default.lock'] }, lockOwner: true })
    })
    const finish = await finishes(r, before.active, configured('22', '21'))
    expect(finish.stderr).toMatch(/Taking over the locks of a deployment that is gone: pid \d+ on host \S+ \(profile default, .*targets test2\)/)
  })

  test('during deactivation: the service deactivated on the reachable target is activated again', async () => {
    const before = await from('22', '21')
    // web (test1) is deactivated before api (test2), which it depends on; test2 goes while web is.
    const { child } = await startLosingTest2('test1', 'deactivate', [...models, ...version('23', '23')])
    const r = await endWithoutTest2(child, 'during deactivation', async (r) => {
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`The transition failed: ${lossOfTest2.source}.*; the deployment was undone where possible:`))
      expect(r.all).not.toContain('[target: test2]: [target: test2]:')
      expect(r.all).toMatch(/^ {2}test1: rolled back: the previous configuration is active$/m)
      expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the previous configuration, except the deactivation of api, which was running when it was lost and may or may not have happened; it keeps this deployment's lock/m)
      expect(await observe(net, coord)).toEqual({ ...before, locks: { test1: [], test2: ['disnix-default.lock'] }, lockOwner: true })
    })
    await finishes(r, before.active, configured('23', '23'))
  })

  test('while setting the profiles: the reachable target goes back to the previous configuration and profile', async () => {
    const before = await from('23', '23')
    // test2 has nothing to do until its profile is set: its link goes while web activates on test1.
    const { child } = await startLosingTest2('test1', 'activate', [...models, ...version('24', '23')])
    const r = await endWithoutTest2(child, 'while setting the profiles', async (r) => {
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`Setting the profiles failed: ${lossOfTest2.source}.*; the deployment was undone where possible:`))
      expect(r.all).not.toContain('[target: test2]: [target: test2]:')
      expect(r.all).toMatch(/^ {2}test1: rolled back: the previous configuration is active$/m)
      // Over a connection that stopped answering the set request may have reached test2 (the
      // coordinator cannot know); only a connection that could not be made proves it did not.
      const reached = !/\[target: test2\]: unreachable: cannot connect to/.test(r.all)
      expect(r.all).toMatch(
        reached
          ? /^ {2}test2: unreachable; last known state: the previous configuration's services \(this deployment changed none there\); its Disnix profile may or may not have been set to the new configuration \(the request may have reached it before it was lost\); it keeps this deployment's lock/m
          : /^ {2}test2: unreachable; last known state: the previous configuration \(this deployment changed nothing there\); it keeps this deployment's lock/m,
      )
      expect(await observe(net, coord)).toEqual({ ...before, locks: { test1: [], test2: ['disnix-default.lock'] }, lockOwner: true })
    })
    await finishes(r, before.active, configured('24', '23'))
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
    const { child } = await startLosingTest2('test1', 'activate', [...models, ...version(web, '26', 'dbVersion = "2";')])
    const r = await endWithoutTest2(child, 'during activation', async (r) => {
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`The transition failed: ${lossOfTest2.source}.*; the deployment was undone where possible:`))
      expect(r.all).not.toContain('[target: test2]: [target: test2]:')
      expect(r.all).toMatch(/^ {2}test1: rolled back: the previous configuration is active$/m)
      expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the previous configuration with api deactivated, except the activation of api, which was running when it was lost and may or may not have happened; it keeps this deployment's lock/m)
      // api was deactivated on test2 before its link went down, and the new one never reached it.
      expect(await observe(net, coord)).toEqual({ ...before, active: { test1: before.active.test1, test2: [] }, locks: { test1: [], test2: ['disnix-default.lock'] }, lockOwner: true })
    })
    // disnix-query reports the target profiles: still the previous configuration.
    await finishes(r, before.targetProfiles, configured(web, '26', '2'))
  })
  test('when the way back fails on the reachable target too: the account says what is not back; the printed disnix-activate command goes back once the cause is fixed', async () => {
    const before = await observe(net, coord)
    const web = before.active.test1.find((s) => s.startsWith('web-'))!.slice('web-'.length)
    expect(before).toEqual(configured(web, '26', '2'))
    // web (test1) is deactivated before api (test2); test2 goes while web is, and web refuses to start
    // again on test1, so neither the rollback nor the way back can activate it.
    const refuse = join(net.targets.find((t) => t.name === 'test1')!.root, 'tmp', 'pipeline-refuse-activate-web')
    const hold = holdOperation(net, 'test1', 'deactivate')
    await hold.set()
    const child = coord.start('disnix-env', [...models, ...version('41', '41', 'dbVersion = "2";')])
    let r
    try {
      try {
        await hold.holding()
        await net.linkDown('test2')
        await writeFile(refuse, '')
      } finally {
        await hold.release()
      }
      try {
        r = await child
        console.log(`link down during deactivation, the way back failing: exit ${r.exitCode}\n${r.all}`)
        expect(r.exitCode).toBe(1)
        expect(r.all).toMatch(new RegExp(`The transition failed: ${lossOfTest2.source}.*; the way back failed on the reachable targets too:`))
        expect(r.all).toMatch(/^ {2}test1: not back in the previous configuration: web deactivated \(see above\)$/m)
        expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the previous configuration, except the deactivation of api, which was running when it was lost and may or may not have happened; it keeps this deployment's lock/m)
        expect(await observe(net, coord)).toEqual({
          ...before,
          active: { test1: before.active.test1.filter((s) => !s.startsWith('web-')), test2: before.active.test2 },
          locks: { test1: [], test2: ['disnix-default.lock'] },
          lockOwner: true,
        })
      } finally {
        await net.linkUp('test2')
      }
    } finally {
      await rm(refuse, { force: true })
    }
    const goBack = /to go back instead \(once test2 is reachable again and the cause is fixed\), run: (disnix-activate --no-upgrade --no-rollback -p default --coordinator-profile-path \S+ \S+) and release the lock left on test2 with: (disnix-lock --unlock --target test2 -p default --coordinator-profile-path \S+ \S+); when test2 is reachable again, finish the deployment with: disnix-deploy /.exec(r.all)
    expect(goBack, r.all).not.toBeNull()
    const back = await runPrinted(coord, goBack![1]!)
    expect(back.exitCode, back.stderr).toBe(0)
    const released = await runPrinted(coord, goBack![2]!)
    expect(released.exitCode, released.stderr).toBe(0)
    // The previous configuration everywhere, no lock left; the record of the lost run stays until the
    // next deployment of the profile takes it over.
    expect(await observe(net, coord)).toEqual({ ...before, lockOwner: true })
    await finishes(r, before.active, configured('41', '41', '2'))
  })

  test('while setting the profiles, after the set request reached the lost target: it is said to be unknown; the printed command finishes the job', async () => {
    const before = await observe(net, coord)
    expect(before).toEqual(configured('41', '41', '2'))
    // While web activates on test1 (after api on test2), everything test2 sends is dropped: the set
    // request still reaches it and is carried out, its answer never comes back; once test2's profile
    // moved, its link goes down.
    const profile = join(net.targets.find((t) => t.name === 'test2')!.root, 'nix/var/nix/profiles/disnix/default')
    const setBefore = await readlink(profile)
    const dropSent = ['tc', 'qdisc', '%s', 'dev', 'eth0', 'root', 'tbf', 'rate', '8bit', 'burst', '10', 'limit', '10']
    const tc = async (op: string) => {
      const r = await net.exec('test2', dropSent.map((a) => (a === '%s' ? op : a)))
      expect(r.exitCode, r.stderr).toBe(0)
    }
    const hold = holdOperation(net, 'test1', 'activate')
    await hold.set()
    const child = coord.start('disnix-env', [...models, ...version('42', '42', 'dbVersion = "2";')])
    let r
    try {
      try {
        await hold.holding()
        await tc('add')
      } finally {
        await hold.release()
      }
      for (let waited = 0; (await readlink(profile)) === setBefore; waited += 50) {
        if (waited > 30_000) throw new Error('test2\'s profile was never set')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      await net.linkDown('test2')
      const since = Date.now()
      r = await child
      console.log(`link down after the set request reached test2: failed ${seconds(since)} s later (exit ${r.exitCode})\n${r.all}`)
      expect(r.exitCode).toBe(1)
      expect(r.all).toMatch(new RegExp(`Setting the profiles failed: ${lossOfTest2.source}.*; the deployment was undone where possible:`))
      expect(r.all).toMatch(/^ {2}test1: rolled back: the previous configuration is active$/m)
      expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the new configuration's services are active there; its Disnix profile may or may not have been set to the new configuration \(the request may have reached it before it was lost\); it keeps this deployment's lock/m)
      // It was: test2 runs the new api with its new profile; test1 is back; the coordinator profile did not move.
      expect(await observe(net, coord)).toEqual({
        ...before,
        active: { test1: before.active.test1, test2: ['api-42'] },
        targetProfiles: { test1: before.targetProfiles.test1, test2: ['api-42'] },
        locks: { test1: [], test2: ['disnix-default.lock'] },
        lockOwner: true,
      })
    } finally {
      await tc('del')
      await net.linkUp('test2')
    }
    await finishes(r, undefined, configured('42', '42', '2'))
  })

  // Stateful services (the state fixture, its own profile and coordinator on the same targets): files
  // moves from test1 to test2 and test2's link goes down while the data migrates, after the transition.
  test('during the data migration: the reachable target goes back with its data untouched; the printed command migrates again', async () => {
    const stateDir = join(fixtures, 'state')
    const stateModels = (d: string) => ['-s', join(stateDir, 'services.nix'), '-i', join(stateDir, 'infrastructure.nix'), '-d', join(stateDir, d)]
    const store = await coordinator(net)
    const snapshots = await suiteDir('disnix-coordinator-state-')
    Object.assign(store.env, { DISNIX_PROFILE: 'state', DYSNOMIA_STATEDIR: snapshots })
    const root = (t: string) => net.targets.find((x) => x.name === t)!.root
    const data = async (t: string) => {
      const at = join(root(t), 'var/state/files/data')
      const names = await readdir(at).catch(() => [] as string[])
      return Object.fromEntries(await Promise.all(names.sort().map(async (n) => [n, await readFile(join(at, n), 'utf8')])))
    }
    // A fileset is active while its `bin` link is there.
    const activeFiles = async (t: string) => lstat(join(root(t), 'var/state/files/bin')).then(() => true, () => false)
    const STATEFUL = /\/nix\/store\/[a-z0-9]{32}-(files|notes)\b/g
    const named = (text: string) => [...new Set([...text.matchAll(STATEFUL)].map((m) => m[1]!))].sort()
    const observeState = async () => ({
      files: { test1: await activeFiles('test1'), test2: await activeFiles('test2') },
      data: { test1: await data('test1'), test2: await data('test2') },
      targetProfiles: {
        test1: named(await readFile(join(root('test1'), 'nix/var/nix/profiles/disnix/state/profilemanifest.xml'), 'utf8').catch(() => '')),
        test2: named(await readFile(join(root('test2'), 'nix/var/nix/profiles/disnix/state/profilemanifest.xml'), 'utf8').catch(() => '')),
      },
      generations: (await readdir(store.profileDir)).filter((f) => /^state-\d+-link$/.test(f)).length,
      locks: { test1: (await targetEntries(net, 'test1', 'tmp')).filter((f) => f === 'disnix-state.lock'), test2: (await targetEntries(net, 'test2', 'tmp')).filter((f) => f === 'disnix-state.lock') },
      lockOwner: (await readdir(store.profileDir)).includes('.state.lock-owner.json'),
    })
    try {
      const first = await store.run('disnix-env', stateModels('distribution.nix'))
      expect(first.exitCode, first.stderr).toBe(0)
      await mkdir(join(root('test1'), 'var/state/files/data'), { recursive: true })
      await writeFile(join(root('test1'), 'var/state/files/data/hello'), 'hello from test1\n')
      const before = await observeState()
      const previous = { files: { test1: true, test2: false }, data: { test1: { hello: 'hello from test1\n' }, test2: {} }, targetProfiles: { test1: ['files'], test2: ['notes'] } }
      expect(before).toEqual({ ...previous, generations: 1, locks: { test1: [], test2: [] }, lockOwner: false })

      // The transition (files deactivated on test1, activated on test2) is done when the data migrates:
      // test1 is snapshotted, then the snapshot is sent to test2 over the lost link.
      const child = store.start('disnix-env', stateModels('distribution-moved.nix'))
      await outputContains(child, '[coordinator]: Migrating data...')
      await net.linkDown('test2')
      const since = Date.now()
      let r
      try {
        r = await child
        console.log(`link down during the data migration: failed after ${seconds(since)} s (exit ${r.exitCode})\n${r.all}`)
        expect(r.exitCode).toBe(1)
        expect(r.all).not.toContain('MIGRATION_FAILED')
        expect(r.all).not.toContain('disnix-migrate')
        expect(r.all).toMatch(new RegExp(`The data migration failed: ${lossOfTest2.source}.*; the deployment was undone where possible:`))
        expect(r.all).not.toContain('[target: test2]: [target: test2]:')
        expect(r.all).toMatch(/^ {2}test1: rolled back: the previous configuration is active$/m)
        expect(r.all).toMatch(/^ {2}test2: unreachable; last known state: the new configuration's services are active there; its profile was not set; the transfer of the snapshot of files, which was running when it was lost, may or may not have happened; it keeps this deployment's lock/m)
        // test1 runs files again on the very data it had (the rollback never touches state); test2 has
        // files active with no data; no profile moved; test2 keeps the lock, the record names it.
        expect(await observeState()).toEqual({
          ...previous,
          files: { test1: true, test2: true },
          generations: 1,
          locks: { test1: [], test2: ['disnix-state.lock'] },
          lockOwner: true,
        })
      } finally {
        await net.linkUp('test2')
      }
      const query = await store.runPlain('disnix-query', ['-f', 'services', join(stateDir, 'infrastructure.nix')])
      expect(query.exitCode, query.stderr).toBe(0)
      expect(named(query.stdout.split(/^Services on: test2/m)[0]!)).toEqual(['files'])
      expect(named(query.stdout.split(/^Services on: test2/m)[1]!)).toEqual(['notes'])
      const finish = await runPrinted(store, finishCommand(r.all)!)
      expect(finish.exitCode, finish.stderr).toBe(0)
      expect(finish.stderr).toContain('[target: test2]: Restoring state of service: files')
      expect(await observeState()).toEqual({
        files: { test1: false, test2: true },
        data: { test1: { hello: 'hello from test1\n' }, test2: { hello: 'hello from test1\n' } },
        targetProfiles: { test1: [], test2: ['files', 'notes'] },
        generations: 2,
        locks: { test1: [], test2: [] },
        lockOwner: false,
      })
    } finally {
      await store.cleanup()
      await rm(snapshots, { recursive: true, force: true })
    }
  })
})
