import { appendFile, cp, mkdir, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { runBin, suiteDir, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { coordinator, fixtures, outputContains, type Coordinator } from './scenario-helpers.js'

vi.setConfig({ testTimeout: 180_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the state scenario: ${support.reason}`)

const dir = join(fixtures, 'state')
const infrastructure = join(dir, 'infrastructure.nix')
const models = (distribution = 'distribution.nix') => ['-s', join(dir, 'services.nix'), '-i', infrastructure, '-d', join(dir, distribution)]

/** The files under a directory of a target (host side of its root), path → content; {} when absent. */
async function files(net: Testnet, target: string, path: string): Promise<Record<string, string>> {
  const root = join(net.targets.find((t) => t.name === target)!.root, path)
  const result: Record<string, string> = {}
  const walk = async (at: string): Promise<void> => {
    let entries
    try {
      entries = await readdir(at, { withFileTypes: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw error
    }
    for (const entry of entries) {
      const full = join(at, entry.name)
      if (entry.isDirectory()) await walk(full)
      else result[relative(root, full)] = await readFile(full, 'utf8')
    }
  }
  await walk(root)
  return result
}

async function writeData(net: Testnet, target: string, service: string, data: Record<string, string>): Promise<void> {
  const root = join(net.targets.find((t) => t.name === target)!.root, 'var/state', service, 'data')
  for (const [name, content] of Object.entries(data)) {
    await mkdir(join(root, name, '..'), { recursive: true })
    await writeFile(join(root, name), content)
  }
}

/** `dysnomia-snapshots --query-all` of a target's own store. */
async function targetSnapshots(net: Testnet, target: string, component?: string): Promise<string[]> {
  const r = await net.exec(target, ['dysnomia-snapshots', '--query-all', ...(component ? ['--component', component] : [])])
  expect(r.exitCode, r.stderr).toBe(0)
  return r.stdout.split('\n').filter((l) => l !== '')
}

// One user's session with stateful services (spec §6): fileset state follows its service from one
// real target to another through the coordinator's snapshot store.
describe.runIf(runsHere(support, 'a test network'))('state deployment scenario', () => {
  let net: Testnet
  let coord: Coordinator
  let stateDir: string

  /** `dysnomia-snapshots ARGS` on the coordinator's store. */
  const coordinatorStore = async (...args: string[]) => {
    const r = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    return { ...r, lines: r.stdout.split('\n').filter((l) => l !== '') }
  }
  const generationManifest = (n: number) => realpath(join(coord.profileDir, `default-${n}-link`))

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

  test('a first deployment activates the stateful services; there is nothing to restore yet', async () => {
    const r = await coord.run('disnix-env', models())
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('[coordinator]: Migrating data...')
    expect(r.stderr).toContain('[target: test1]: Restoring state of service: files')
    expect(await targetSnapshots(net, 'test1')).toEqual([])
    await writeData(net, 'test1', 'files', { hello: 'hello v1\n', 'sub/deep': 'deep v1\n' })
    await writeData(net, 'test2', 'notes', { note: 'a note\n' })
  })

  test('disnix-snapshot without a manifest backs up every stateful service into the coordinator store', async () => {
    const r = await coord.run('disnix-snapshot', [])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('[target: test1]: Snapshotting state of service: files')
    expect(r.stderr).toContain('[target: test2]: Snapshotting state of service: notes')
    expect(r.stderr).toContain('[coordinator]: Retrieving snapshots...')
    expect(r.stderr).toMatch(/\[target: test1\]: snapshot fileset\/files\/[0-9a-f]{64}: .* transferred/)
    const store = await coordinatorStore('--query-all', '--check')
    expect(store.exitCode, store.stderr).toBe(0)
    expect(store.lines.map((l) => l.split('/').slice(0, 2).join('/')).sort()).toEqual(['fileset/files', 'fileset/notes'])
    expect(store.lines.find((l) => l.includes('/files/'))).toBe((await targetSnapshots(net, 'test1', 'files'))[0])
  })

  test('moving a stateful service carries its changed data to the new target; the old copy stays', async () => {
    await writeData(net, 'test1', 'files', { hello: 'hello v2 (changed)\n', world: 'world\n' })
    const changed = await files(net, 'test1', 'var/state/files/data')
    expect(changed).toEqual({ hello: 'hello v2 (changed)\n', world: 'world\n', 'sub/deep': 'deep v1\n' })

    const r = await coord.run('disnix-env', models('distribution-moved.nix'))
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('[target: test1]: Snapshotting state of service: files')
    expect(r.stderr).toContain('[target: test2]: Restoring state of service: files')
    expect(r.stderr).not.toContain('Snapshotting state of service: notes')
    expect(await files(net, 'test2', 'var/state/files/data')).toEqual(changed)
    // the old copy is kept (deactivated, marked as garbage) until the obsolete state is deleted
    expect(await files(net, 'test1', 'var/state/files/data')).toEqual(changed)
    expect(r.stderr).toContain('disnix-delete-state')
    // the coordinator holds both generations of files: the backup and the migrated state
    const store = await coordinatorStore('--query-all', '--check', '--component', 'files')
    expect(store.lines).toHaveLength(2)
    expect(store.lines[1]).toBe((await targetSnapshots(net, 'test2', 'files')).at(-1))
  })

  test('disnix-delete-state removes the deactivated copy only, never state in use', async () => {
    const old = await generationManifest(1)
    const current = await generationManifest(2)
    const inUse = await coord.run('disnix-delete-state', [current])
    expect(inUse.exitCode, inUse.stderr).toBe(0)
    expect(inUse.stderr).toContain('[coordinator]: Deleting obsolete state of services...')
    expect(Object.keys(await files(net, 'test2', 'var/state/files/data'))).toHaveLength(3)
    expect(Object.keys(await files(net, 'test1', 'var/state/files/data'))).toHaveLength(3)

    const r = await coord.run('disnix-delete-state', [old])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('[target: test1]: Deleting obsolete state of service: files')
    expect(await files(net, 'test1', 'var/state/files/data')).toEqual({})
    expect(Object.keys(await files(net, 'test2', 'var/state/files/data'))).toHaveLength(3)
    expect(await files(net, 'test2', 'var/state/notes/data')).toEqual({ note: 'a note\n' })
  })

  test('disnix-restore --no-upgrade restores every stateful service from the coordinator', async () => {
    const expected = await files(net, 'test2', 'var/state/files/data')
    await rm(join(net.targets[1]!.root, 'var/state/files/data/hello'))
    await writeData(net, 'test2', 'notes', { note: 'scribbled over\n' })
    const r = await coord.run('disnix-restore', ['--no-upgrade'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('[target: test2]: Restoring state of service: files')
    expect(r.stderr).toContain('[target: test2]: Restoring state of service: notes')
    expect(await files(net, 'test2', 'var/state/files/data')).toEqual(expected)
    expect(await files(net, 'test2', 'var/state/notes/data')).toEqual({ note: 'a note\n' })
    // without --no-upgrade and without a manifest nothing is new, so nothing is restored
    const none = await coord.run('disnix-restore', [])
    expect(none.exitCode, none.stderr).toBe(0)
    expect(none.stderr).not.toContain('Restoring state')
  })

  test('--transfer-only moves existing snapshots without taking new ones', async () => {
    await writeData(net, 'test2', 'files', { extra: 'new data\n' })
    const before = await targetSnapshots(net, 'test2', 'files')
    const r = await coord.run('disnix-snapshot', ['--transfer-only', '-C', 'files'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).not.toContain('Snapshotting state')
    expect(await targetSnapshots(net, 'test2', 'files')).toEqual(before)
    const taken = await coord.run('disnix-snapshot', ['-C', 'files'])
    expect(taken.exitCode, taken.stderr).toBe(0)
    expect(taken.stderr).not.toContain('notes')
    const after = await targetSnapshots(net, 'test2', 'files')
    expect(after).toHaveLength(before.length + 1)
    expect((await coordinatorStore('--query-latest', '--component', 'files')).lines).toEqual([after.at(-1)])
  })

  test('--all copies every generation in order; without it only the latest', async () => {
    const target = await targetSnapshots(net, 'test2', 'files')
    expect(target.length).toBeGreaterThan(1)
    const fresh = await suiteDir('disnix-coordinator-state-')
    const env = { ...coord.env, DYSNOMIA_STATEDIR: fresh }
    try {
      const latest = await runBin('disnix-copy-snapshots', ['--from', '--target', 'test2', '-c', 'fileset', '-C', 'files'], { env })
      expect(latest.exitCode, latest.stderr).toBe(0)
      const query = () => runBin('dysnomia-snapshots', ['--query-all', '--check'], { env: { DYSNOMIA_STATEDIR: fresh } })
      expect((await query()).stdout.trim().split('\n')).toEqual([target.at(-1)])
      const all = await runBin('disnix-copy-snapshots', ['--from', '--all', '--target', 'test2', '-c', 'fileset', '-C', 'files'], { env })
      expect(all.exitCode, all.stderr).toBe(0)
      // the latest one was there already: it is registered again, after the older ones, not sent again
      expect((await query()).stdout.trim().split('\n')).toEqual([target.at(-1), ...target])
      // (the summary's per-target line at the end, "[coordinator]:   test2: …", says how much in all)
      const perSnapshot = all.stderr.split('\n').filter((line) => /transferred/.test(line) && !/^\[coordinator\]: {3}/.test(line))
      expect(perSnapshot, all.stderr).toHaveLength(new Set(target).size - 1)
    } finally {
      await rm(fresh, { recursive: true, force: true })
    }
  })

  test('--depth-first snapshots, retrieves and keeps --keep generations on the target, one service at a time', async () => {
    await writeData(net, 'test2', 'files', { extra: 'depth first\n' })
    const r = await coord.run('disnix-snapshot', ['--depth-first', '--keep', '1'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).not.toContain('[coordinator]: Retrieving snapshots...')
    const order = r.stderr.split('\n').filter((l) => l.includes('files') && /Snapshotting state|Retrieving snapshots of|Removing old snapshots/.test(l))
    expect(order[0]).toContain('Snapshotting state of service: files')
    expect(order[1]).toContain('Retrieving snapshots of component: files')
    expect(order[2]).toContain('Removing old snapshots of component: files')
    expect(await targetSnapshots(net, 'test2', 'files')).toHaveLength(1)
    expect(await targetSnapshots(net, 'test2', 'notes')).toHaveLength(1)
    expect((await coordinatorStore('--query-latest', '--component', 'files')).lines).toEqual(await targetSnapshots(net, 'test2', 'files'))
  })

  test('disnix-clean-snapshots --keep N leaves N generations per component on each target', async () => {
    for (const version of ['a', 'b', 'c']) {
      await writeData(net, 'test2', 'files', { extra: `version ${version}\n` })
      const r = await coord.run('disnix-snapshot', ['-C', 'files'])
      expect(r.exitCode, r.stderr).toBe(0)
    }
    expect((await targetSnapshots(net, 'test2', 'files')).length).toBeGreaterThanOrEqual(3)
    const r = await runBin('disnix-clean-snapshots', ['--keep', '2', infrastructure], { env: coord.env, timeoutMs: 120_000 })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('[target: test1]: Running snapshot garbage collector!')
    expect(r.stderr).toContain('[target: test2]: Running snapshot garbage collector!')
    expect(await targetSnapshots(net, 'test2', 'files')).toHaveLength(2)
    expect(await targetSnapshots(net, 'test2', 'notes')).toHaveLength(1)
  })

  test('a corrupt snapshot in the coordinator store is detected and never restored', async () => {
    const latest = (await coordinatorStore('--query-latest', '--component', 'files')).lines[0]!
    const archive = join(stateDir, 'snapshots', latest, 'state.tar.xz')
    const backup = `${archive}.good`
    await cp(archive, backup)
    const before = await files(net, 'test2', 'var/state/files/data')
    await appendFile(archive, 'garbage')
    try {
      const r = await coord.run('disnix-restore', ['--no-upgrade', '-C', 'files'])
      expect(r.exitCode).toBe(1)
      expect(r.stderr).toContain('corrupt snapshot of component: files in container: fileset; refusing to restore it!')
      expect(r.stderr).toContain(`Checksum mismatch detected for snapshot: ${latest}`)
      expect(r.stderr).not.toContain('Restoring state of service: files')
      expect(await files(net, 'test2', 'var/state/files/data')).toEqual(before)
      const copy = await runBin('disnix-copy-snapshots', ['--to', '--target', 'test1', '-c', 'fileset', '-C', 'files'], { env: coord.env })
      expect(copy.exitCode).toBe(1)
      expect(copy.stderr).toContain('refusing to restore it!')
      expect(await targetSnapshots(net, 'test1', 'files')).not.toContain(latest)
    } finally {
      await rm(archive)
      await cp(backup, archive)
      await rm(backup)
    }
  })

  test('an unreachable state holder: the reachable target goes back, nothing is deleted, and the printed command migrates once it is back', async () => {
    const storeBefore = (await coordinatorStore('--query-all')).lines
    const dataBefore = await files(net, 'test2', 'var/state/files/data')
    // a direct connection per call, so that a dead link is noticed at once (ConnectTimeout)
    coord.env.DISNIX_SSH_PERSIST = '0'
    const child = coord.start('disnix-env', [...models(), '--delete-state'])
    delete coord.env.DISNIX_SSH_PERSIST
    const env = child as unknown as { all?: NodeJS.ReadableStream | null }
    await outputContains(env, 'Migrating data...')
    await net.linkDown('test2')
    const r = await child
    const output = String(r.all)
    try {
      // files moves back to test1; test2, which holds its state, is lost when it is to be snapshotted.
      expect(r.exitCode, output).toBe(1)
      expect(output).toMatch(/The data migration failed: \[target: test2\]: unreachable: .*; the deployment was undone where possible:/)
      expect(output).not.toContain('disnix-migrate')
      expect(output).toMatch(/^ {2}test1: rolled back: the previous configuration is active$/m)
      expect(output).toMatch(/^ {2}test2: unreachable; last known state: the new configuration's services are active there; its profile was not set; the snapshot of the state of files, which was running when it was lost, may or may not have happened; it keeps this deployment's lock/m)
    } finally {
      await net.linkUp('test2')
    }
    expect(await files(net, 'test2', 'var/state/files/data')).toEqual(dataBefore)
    expect((await coordinatorStore('--query-all')).lines).toEqual(storeBefore)

    // the printed command finishes the deployment once the target is back: the state moves to test1
    const finish = /finish the deployment with: (disnix-deploy .*)$/m.exec(output)![1]!.split(' ')
    expect(finish).toContain('--delete-state')
    const done = await coord.runPlain(finish[0]!, finish.slice(1))
    expect(done.exitCode, done.stderr).toBe(0)
    expect(done.stderr).toContain('[target: test1]: Restoring state of service: files')
    expect(await files(net, 'test1', 'var/state/files/data')).toEqual(dataBefore)
  })
})
