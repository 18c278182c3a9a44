import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { runBin, suiteDir, runsHere, terminalScreen } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { documentedEventSchema, eventProblems } from '../docs/event-schema.js'
import { coordinator, fixtures, type Coordinator } from './scenario-helpers.js'

vi.setConfig({ testTimeout: 300_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the lifecycle scenario: ${support.reason}`)

const dir = join(fixtures, 'lifecycle')
const infrastructure = join(dir, 'infrastructure.nix')
const models = (distribution = 'distribution.nix') => ['-s', join(dir, 'services.nix'), '-i', infrastructure, '-d', join(dir, distribution)]

// Whole lifecycles of a system whose stateful service lives in a container that another service
// provides (issue #15): deploy → undeploy → deploy, with and without state migration; two profiles
// whose state stays apart until it is moved on purpose.
describe.runIf(runsHere(support, 'a test network'))('lifecycle scenario', () => {
  let net: Testnet
  let coord: Coordinator
  let stateDir: string

  const root = (target: string) => net.targets.find((t) => t.name === target)!.root
  const dataFile = (target: string) => join(root(target), 'var/state/files/data/note.txt')
  const readData = async (target: string) => (existsSync(dataFile(target)) ? readFile(dataFile(target), 'utf8') : undefined)
  const writeData = async (target: string, text: string) => {
    await mkdir(join(dataFile(target), '..'), { recursive: true })
    await writeFile(dataFile(target), text)
  }
  const providerRuns = (target: string) => existsSync(join(root(target), 'run/files-store.up'))
  /** The snapshot generations of `files` in the coordinator's store of a profile. */
  const coordinatorSnapshots = async (profile = 'default') => {
    const store = profile === 'default' ? stateDir : join(stateDir, 'profiles', profile)
    const r = await runBin('dysnomia-snapshots', ['--query-all', '--component', 'files'], { env: { DYSNOMIA_STATEDIR: store } })
    expect(r.exitCode, r.stderr).toBe(0)
    return r.stdout.split('\n').filter((l) => l !== '')
  }
  /** Forgets everything a target knows of the service: its data and its own snapshot store. */
  const wipeTarget = async (target: string) => {
    await rm(join(root(target), 'var/state/files'), { recursive: true, force: true })
    await rm(join(root(target), 'var/state/dysnomia/snapshots/files-store'), { recursive: true, force: true })
    await rm(join(root(target), 'var/state/dysnomia/generations/files-store'), { recursive: true, force: true })
  }

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    coord = await coordinator(net)
    stateDir = await suiteDir('disnix-coordinator-state-')
    coord.env.DYSNOMIA_STATEDIR = stateDir
  })
  afterAll(async () => {
    await net?.down()
    await coord?.cleanup()
    if (stateDir) await rm(stateDir, { recursive: true, force: true })
  })

  test('deploy → undeploy → deploy: the undeploy snapshots the state while its container still runs, the deploy brings it back', async () => {
    const first = await coord.run('disnix-env', models())
    expect(first.exitCode, first.stderr).toBe(0)
    expect(providerRuns('test1')).toBe(true)
    await writeData('test1', 'written before the undeploy\n')

    const undeploy = await coord.run('disnix-env', ['--undeploy', '-i', infrastructure])
    expect(undeploy.exitCode, undeploy.stderr).toBe(0)
    expect(undeploy.stderr).not.toMatch(/no longer exists|PROVIDER/)
    // The guest's state was taken before its container's provider went away.
    expect(undeploy.stderr.indexOf('[target: test1]: Snapshotting state of service: files')).toBeGreaterThan(-1)
    expect(providerRuns('test1')).toBe(false)
    expect(await coordinatorSnapshots()).toHaveLength(1)

    await wipeTarget('test1')
    const again = await coord.run('disnix-env', models())
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stderr).toMatch(/\[target: test1\]: State of service: files in container: files-store: restoring .* from the coordinator's snapshot store of profile: default/)
    expect(await readData('test1')).toBe('written before the undeploy\n')
  })

  test('deploy → undeploy --no-migration → deploy: no snapshot is taken, and both transitions go through', async () => {
    await writeData('test1', 'changed, never snapshotted\n')
    const before = await coordinatorSnapshots()
    const undeploy = await coord.run('disnix-env', ['--undeploy', '--no-migration', '-i', infrastructure])
    expect(undeploy.exitCode, undeploy.stderr).toBe(0)
    expect(undeploy.stderr).not.toContain('Snapshotting state of service: files')
    expect(providerRuns('test1')).toBe(false)
    expect(await coordinatorSnapshots()).toEqual(before)

    const again = await coord.run('disnix-env', [...models(), '--no-migration'])
    expect(again.exitCode, again.stderr).toBe(0)
    expect(providerRuns('test1')).toBe(true)
    // Without migration nothing is restored: the data on the target is what the target kept.
    expect(again.stderr).not.toContain('Restoring state of service: files')
    expect(await readData('test1')).toBe('changed, never snapshotted\n')

    const down = await coord.run('disnix-env', ['--undeploy', '-i', infrastructure])
    expect(down.exitCode, down.stderr).toBe(0)
  })

  test('profile B on new machines starts empty; disnix-copy-snapshots --from-profile moves profile A\'s state on purpose', async () => {
    const a = await coord.run('disnix-env', ['-p', 'a', ...models()])
    expect(a.exitCode, a.stderr).toBe(0)
    await writeData('test1', 'the data of profile a\n')
    const snapshot = await coord.run('disnix-snapshot', ['-p', 'a'])
    expect(snapshot.exitCode, snapshot.stderr).toBe(0)
    expect(await coordinatorSnapshots('a')).toHaveLength(1)

    // The default profile's store holds snapshots of the same component (earlier tests): profile b
    // must not see them, nor profile a's.
    expect((await coordinatorSnapshots()).length).toBeGreaterThan(0)
    const b = await coord.run('disnix-env', ['-p', 'b', ...models('distribution-test2.nix')])
    expect(b.exitCode, b.stderr).toBe(0)
    expect(b.stderr).toContain("[target: test2]: State of service: files in container: files-store: no snapshot in the coordinator's snapshot store of profile: b")
    expect(await readData('test2')).toBe(undefined)
    expect(existsSync(join(root('test2'), 'var/state/files/data'))).toBe(true)

    const copy = await coord.runPlain('disnix-copy-snapshots', ['--from-profile', 'a', '-p', 'b'])
    expect(copy.exitCode, copy.stderr).toBe(0)
    expect(await coordinatorSnapshots('b')).toEqual(await coordinatorSnapshots('a'))
    const restore = await coord.run('disnix-restore', ['-p', 'b', '--no-upgrade'])
    expect(restore.exitCode, restore.stderr).toBe(0)
    expect(restore.stderr).toMatch(/\[target: test2\]: State of service: files in container: files-store: restoring .* from the coordinator's snapshot store of profile: b/)
    expect(await readData('test2')).toBe('the data of profile a\n')
    // Profile a's own deployment kept its data.
    expect(await readData('test1')).toBe('the data of profile a\n')
  })
  test('--log-format json: every stderr line of a real deployment is a documented event, and the events add up', async () => {
    const schema = await documentedEventSchema()
    const r = await coord.run('disnix-env', ['-p', 'json', '--log-format', 'json', ...models()])
    expect(r.exitCode, r.stderr).toBe(0)
    const events = r.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>)
    expect(events.flatMap((event) => eventProblems(schema, event))).toEqual([])
    // disnix-env runs disnix-manifest and disnix-deploy, each a run of its own within its stream.
    expect(events.filter((e) => e.event === 'run-start' || e.event === 'run-end').map((e) => `${e.event} ${e.tool}`)).toEqual([
      'run-start disnix-env', 'run-start disnix-manifest', 'run-end disnix-manifest', 'run-start disnix-deploy', 'run-end disnix-deploy', 'run-end disnix-env',
    ])
    expect(events.at(-1)).toMatchObject({ event: 'run-end', tool: 'disnix-env', status: 'success', exitStatus: 0 })
    const end = events.find((e) => e.event === 'run-end' && e.tool === 'disnix-deploy')!
    expect(end).toMatchObject({ status: 'success', exitStatus: 0, nothingToDo: false })
    // Every start has its end.
    const count = (kind: string) => events.filter((e) => e.event === kind).length
    expect(count('step-start')).toBe(count('step-end') - events.filter((e) => e.event === 'step-end' && e.status === 'skipped').length)
    expect(count('phase-start')).toBe(count('phase-end'))
    // The deployment's run-end sums up its step-end and transfer events: store, then files, on test1.
    const activated = events.filter((e) => e.event === 'step-end' && e.operation === 'activate' && e.status === 'done').map((e) => `${e.target} ${e.service}`)
    expect(activated).toEqual(['test1 store', 'test1 files'])
    expect(end.targets.test1.done.activate).toEqual(['store', 'files'])
    const bytes = events.filter((e) => (e.event === 'step-end' || e.event === 'transfer') && e.target === 'test1').reduce((sum, e) => sum + (e.bytes ?? 0), 0)
    expect(end.targets.test1.bytes).toBe(bytes)

    const again = await coord.run('disnix-env', ['-p', 'json', '--log-format', 'json', ...models()])
    expect(again.exitCode, again.stderr).toBe(0)
    const deployEnd = again.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).find((e) => e.event === 'run-end' && e.tool === 'disnix-deploy')
    expect(deployEnd).toMatchObject({ status: 'success', nothingToDo: true })
  })
  test('--log-format json on the step tools of that deployment (distribute, activate, migrate, query): documented events, one run each', async () => {
    const schema = await documentedEventSchema()
    const manifest = join(coord.profileDir, 'json')
    const where = ['-p', 'json', '--coordinator-profile-path', coord.profileDir]
    const runs: [string, string[]][] = [
      ['disnix-distribute', [manifest]],
      ['disnix-activate', [...where, manifest]],
      ['disnix-migrate', [...where, manifest]],
      ['disnix-query', ['-p', 'json', infrastructure]],
    ]
    for (const [tool, args] of runs) {
      const r = await coord.runPlain(tool, ['--log-format', 'json', ...args])
      expect(r.exitCode, `${tool}: ${r.stderr}`).toBe(0)
      const events = r.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>)
      expect(events.flatMap((event) => eventProblems(schema, event)), tool).toEqual([])
      expect(events[0], tool).toMatchObject({ event: 'run-start', tool })
      expect(events.at(-1), tool).toMatchObject({ event: 'run-end', tool, status: 'success', exitStatus: 0 })
      if (tool === 'disnix-query') expect(r.stdout).toContain('test1')
    }
  })

  test('on a terminal (a pseudo-terminal of script(1)), the final screen holds every coordinator line once, in order, and ends with the summary', async () => {
    // The command line is constant; the paths reach it through the environment.
    const command = 'stty cols 100 rows 40; exec "$DISNIX_ENV" -p terminal --coordinator-profile-path "$PROFILE_PATH" -s "$S" -i "$I" -d "$D"'
    const r = await execa('script', ['-qfec', command, '/dev/null'], {
      env: {
        ...coord.env,
        DISNIX_ENV: join(installRoot(), 'bin', 'disnix-env'),
        PROFILE_PATH: coord.profileDir,
        S: join(dir, 'services.nix'),
        I: infrastructure,
        D: join(dir, 'distribution.nix'),
        TERM: 'xterm',
      },
      reject: false,
      timeout: 300_000,
    })
    expect(r.exitCode, r.stdout).toBe(0)
    // It was drawn as a live view (a block redrawn in place), not as piped lines.
    expect(r.stdout).toContain('\x1b[0J')
    const screen = terminalScreen(r.stdout, 100)
    const shown = screen.filter((line) => line.startsWith('[coordinator]: '))
    // Every coordinator line written stays on the screen, in the order written, none twice.
    const written = [...r.stdout.matchAll(/\[coordinator\]: [^\r\n\x1b]*/g)].map((m) => m[0].trimEnd())
    expect(shown).toEqual(written)
    const milestones = ['Building manifest...', 'Distributing intra-dependency closures...', 'Acquiring locks...', 'Activating new configuration...', 'Setting profiles...', 'Releasing locks...']
    const positions = milestones.map((text) => {
      const at = shown.filter((line) => line === `[coordinator]: ${text}`)
      expect(at, text).toHaveLength(1)
      return shown.indexOf(`[coordinator]: ${text}`)
    })
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
    // The per-target block is gone at the end; the screen ends with the summary naming the services.
    expect(screen.slice(-2).join('\n'), screen.join('\n')).toMatch(/^\[coordinator\]: Done in [\d.]+ s:\n\[coordinator\]: {3}test1: activated store, files; restored files$/)
  })
})
