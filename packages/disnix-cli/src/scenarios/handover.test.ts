import { cp, mkdir, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { runBin, suiteDir, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { importOriginalDeployment, type OriginalDeployment } from './original-deployment.js'
import { coordinator, fixtures, targetEntries, targetLines, type Coordinator } from './scenario-helpers.js'

vi.setConfig({ testTimeout: 180_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the hand-over scenario: ${support.reason}`)

const golden = join(fixtures, 'golden')
const recorded = join(golden, 'recorded')
const infrastructure = join(golden, 'infrastructure-two.nix')
const models = (distribution: string) => ['-s', join(golden, 'services-handover.nix'), '-i', infrastructure, '-d', join(golden, distribution)]
const first = models('distribution-handover.nix')
const moved = models('distribution-handover-moved.nix')

// What the original Dysnomia snapshotted of `db` (scripts/record-golden.mjs, SNAPSHOT_DATA).
const originalSnapshot = { hello: 'hello from the original\n', 'sub/deep': 'deep state\n' }

// Taking over a deployment that the original Disnix 0.10.3 made (docs/moving-from-disnix.md). Its
// manifests, target profiles and profile manifests are the ones the original built for these models,
// recorded byte for byte with their store paths (fixtures/golden/recorded/handover*), and its snapshot
// store is the one the original Dysnomia wrote. Nothing of the original runs here: its recorded
// deployment is put in place by deploying its own manifests, as its disnix-deploy would.
describe.runIf(runsHere(support, 'a test network'))('taking over a deployment made by the original Disnix', () => {
  let net: Testnet
  let coord: Coordinator
  let stateDir: string
  let original: OriginalDeployment
  let originalMoved: OriginalDeployment

  const log = async () => ({ test1: await targetLines(net, 'test1', 'var/log/handover.log'), test2: await targetLines(net, 'test2', 'var/log/handover.log') })
  const store = async () => ({ test1: await targetEntries(net, 'test1', 'nix/store'), test2: await targetEntries(net, 'test2', 'nix/store') })
  const profileGenerations = async () => ({
    test1: await targetEntries(net, 'test1', 'nix/var/nix/profiles/disnix'),
    test2: await targetEntries(net, 'test2', 'nix/var/nix/profiles/disnix'),
  })
  const targetProfile = async (target: string) => {
    const r = await net.exec(target, ['readlink', '-f', '/nix/var/nix/profiles/disnix/default'])
    expect(r.exitCode, r.stderr).toBe(0)
    return r.stdout.trim()
  }
  const coordinatorGenerations = async () => (await coord.run('disnix-env', ['--list-generations'])).stdout.trim().split('\n')
  const currentManifest = () => realpath(join(coord.profileDir, 'default'))
  const dataOf = async (target: string) => {
    const root = join(net.targets.find((t) => t.name === target)!.root, 'var/state/handover-db/data')
    const read = async (file: string) => readFile(join(root, file), 'utf8').catch(() => undefined)
    return { hello: await read('hello'), 'sub/deep': await read('sub/deep') }
  }

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    coord = await coordinator(net)
    stateDir = await suiteDir('disnix-coordinator-state-')
    coord.env.DYSNOMIA_STATEDIR = stateDir
    // The service packages (plain derivations of the models); then the original's own store paths.
    for (const args of [first, moved]) {
      const built = await coord.runPlain('disnix-manifest', [...args, '--no-out-link'])
      expect(built.exitCode, built.stderr).toBe(0)
    }
    original = await importOriginalDeployment(join(recorded, 'handover'), coord.env)
    originalMoved = await importOriginalDeployment(join(recorded, 'handover-moved'), coord.env)
  })
  afterAll(async () => {
    await net?.down()
    await coord?.cleanup()
    if (stateDir) await rm(stateDir, { recursive: true, force: true })
  })

  test('the original deployed the system, then moved web: two generations of its manifests and profiles', async () => {
    const deployed = await coord.run('disnix-deploy', [original.manifest])
    expect(deployed.exitCode, deployed.stderr).toBe(0)
    // The running db holds the data that the original Dysnomia snapshotted, next to its snapshot store.
    const data = join(net.targets.find((t) => t.name === 'test1')!.root, 'var/state/handover-db/data')
    await mkdir(join(data, 'sub'), { recursive: true })
    for (const [file, content] of Object.entries(originalSnapshot)) await writeFile(join(data, file), content)
    await cp(join(recorded, 'handover', 'dysnomia'), join(net.targets.find((t) => t.name === 'test1')!.root, 'var/state/dysnomia'), { recursive: true, verbatimSymlinks: true })

    const movedDeployment = await coord.run('disnix-deploy', [originalMoved.manifest])
    expect(movedDeployment.exitCode, movedDeployment.stderr).toBe(0)
    const activations = await log()
    expect(activations.test1.filter((l) => /^(de)?activate/.test(l))).toEqual(['activate handover-web', 'deactivate handover-web'])
    expect(activations.test2.filter((l) => /^(de)?activate/.test(l))).toEqual(['activate handover-api', 'activate handover-web'])
    expect(await targetProfile('test1')).toBe(originalMoved.profiles.test1)
    expect(await targetProfile('test2')).toBe(originalMoved.profiles.test2)
    expect(await currentManifest()).toBe(originalMoved.manifest)
    expect(await coordinatorGenerations()).toHaveLength(2)
  })

  test('disnix-env --rollback goes back to the generation the original made first', async () => {
    const before = await log()
    const r = await coord.run('disnix-env', ['--rollback'])
    expect(r.exitCode, r.stderr).toBe(0)
    const after = await log()
    expect(after.test1.slice(before.test1.length).filter((l) => /^(de)?activate/.test(l))).toEqual(['activate handover-web'])
    expect(after.test2.slice(before.test2.length).filter((l) => /^(de)?activate/.test(l))).toEqual(['deactivate handover-web'])
    expect(await targetProfile('test1')).toBe(original.profiles.test1)
    expect(await targetProfile('test2')).toBe(original.profiles.test2)
    expect(await currentManifest()).toBe(original.manifest)
    expect(await coordinatorGenerations()).toHaveLength(3)
  })

  test('disnix-env on the same models copies nothing, activates and deactivates nothing, only locks and unlocks', async () => {
    const [logBefore, storeBefore, profilesBefore, generationsBefore] = [await log(), await store(), await profileGenerations(), await coordinatorGenerations()]
    const plan = await coord.run('disnix-env', [...first, '--dry-run'])
    expect(plan.exitCode, plan.stderr).toBe(0)
    expect(plan.stdout).toBe(
      'Plan: upgrade from the previous deployment\n\n[target: test1]\n  transfer: nothing\n  no services change\n\n[target: test2]\n  transfer: nothing\n  no services change\n',
    )
    const r = await coord.run('disnix-env', first)
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain(`The new configuration is the deployed one (same manifest, same profile contents); keeping: ${original.manifest}`)
    const logAfter = await log()
    // zero activations and deactivations: only each wrapper service's lock and unlock
    expect(logAfter.test1.slice(logBefore.test1.length)).toEqual(['lock handover-web', 'unlock handover-web'])
    expect(logAfter.test2.slice(logBefore.test2.length)).toEqual(['lock handover-api', 'unlock handover-api'])
    // zero store paths copied, no new profile generation on the targets or the coordinator
    expect(await store()).toEqual(storeBefore)
    expect(await profileGenerations()).toEqual(profilesBefore)
    expect(await coordinatorGenerations()).toEqual(generationsBefore)
    expect(await currentManifest()).toBe(original.manifest)
    expect(await targetProfile('test1')).toBe(original.profiles.test1)
  })

  test("disnix-query reads the original's profile manifests", async () => {
    const r = await coord.runPlain('disnix-query', [infrastructure])
    expect(r.exitCode, r.stderr).toBe(0)
    const pkg = (name: string) => new RegExp(`<name>${name}</name><pkg>([^<]*)</pkg>`).exec(original.text)![1]
    // per target, by container (fileset before wrapper)
    expect(r.stdout).toBe(`\nServices on: test1\n\n${pkg('db')}\n${pkg('web')}\n\nServices on: test2\n\n${pkg('api')}\n`)
  })

  test("disnix-restore and disnix-snapshot work on the original Dysnomia's snapshot store", async () => {
    await writeFile(join(net.targets.find((t) => t.name === 'test1')!.root, 'var/state/handover-db/data/hello'), 'changed after the snapshot\n')
    const restored = await coord.run('disnix-restore', ['--no-upgrade'])
    expect(restored.exitCode, restored.stderr).toBe(0)
    expect(restored.stderr).toContain('[target: test1]: Restoring state of service: handover-db')
    expect(await dataOf('test1')).toEqual(originalSnapshot)

    await writeFile(join(net.targets.find((t) => t.name === 'test1')!.root, 'var/state/handover-db/data/hello'), 'hello from disnix-ts\n')
    const snapshot = await coord.run('disnix-snapshot', [])
    expect(snapshot.exitCode, snapshot.stderr).toBe(0)
    const generations = await net.exec('test1', ['dysnomia-snapshots', '--query-all', '--container', 'fileset', '--component', 'handover-db'])
    expect(generations.exitCode, generations.stderr).toBe(0)
    const snapshots = generations.stdout.split('\n').filter((l) => l !== '')
    // the original's snapshot, then ours
    expect(snapshots).toHaveLength(2)
    const [originalHash] = await readdir(join(recorded, 'handover', 'dysnomia', 'snapshots', 'fileset', 'handover-db'))
    expect(snapshots[0]).toBe(`fileset/handover-db/${originalHash}`)
    const inCoordinator = await runBin('dysnomia-snapshots', ['--query-latest', '--component', 'handover-db'], { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(inCoordinator.stdout.trim()).toBe(snapshots[1])
  })
})
