import { existsSync } from 'node:fs'
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { nixTestEnv, runBin, testDir, runsHere } from '@disnix-ts/test-utils'
import { readManifest, type Manifest } from '@disnix-ts/libmanifest'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { coordinator, fixtures, targetEntries, type Coordinator } from './scenario-helpers.js'

vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the coordinator tools scenario: ${support.reason}`)

const dir = join(fixtures, 'coordinator-tools')
const infrastructure = join(fixtures, 'pipeline', 'infrastructure.nix')
const models = ['-s', join(dir, 'services.nix'), '-i', infrastructure, '-d', join(dir, 'distribution.nix')]

/** Service name → { pkg, target } of a manifest. */
function placement(manifest: Manifest): Record<string, { pkg: string; target: string; hash: string }> {
  const result: Record<string, { pkg: string; target: string; hash: string }> = {}
  for (const m of manifest.serviceMappings) {
    const service = manifest.services[m.service]!
    result[service.name] = { pkg: service.pkg, target: m.target, hash: m.service }
  }
  return result
}

async function xpath(xml: string, expression: string): Promise<string> {
  const file = join(await testDir(), 'query.xml')
  await writeFile(file, xml)
  return (await execa('xmllint', ['--xpath', expression, file])).stdout
}

// The coordinator tools around a deployment (spec §2.8, §5.9, §5.10, §11), against two real targets.
describe.runIf(runsHere(support, 'a test network'))('coordinator tools scenario', () => {
  let net: Testnet
  let coord: Coordinator
  let deployed: string
  let services: ReturnType<typeof placement>
  const tool = (name: string, args: readonly string[]) => runBin(name, args, { env: coord.env, timeoutMs: 240_000 })
  const root = (target: string) => net.targets.find((t) => t.name === target)!.root

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    coord = await coordinator(net)
  })
  afterAll(async () => {
    await net?.down()
    await coord?.cleanup()
  })

  test('disnix-query shows a target that was never deployed to as empty (QUIRK 11 fixed)', async () => {
    const r = await tool('disnix-query', [infrastructure])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toBe('\nServices on: test1\n\n\nServices on: test2\n\n')
  })

  test('after a deployment disnix-query shows each service on its target, in every format', async () => {
    const env = await coord.run('disnix-env', models)
    expect(env.exitCode, env.stderr).toBe(0)
    deployed = join(coord.profileDir, 'default')
    services = placement(await readManifest(deployed, { defaultTarget: 'coordinator' }))
    expect(Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s.target]))).toEqual({ db: 'test1', web: 'test1', api: 'test2' })

    const plain = await tool('disnix-query', ['-f', 'services', infrastructure])
    expect(plain.exitCode, plain.stderr).toBe(0)
    const [, test1, test2] = plain.stdout.split(/\nServices on: (?:test1|test2)\n\n/)
    expect(test1!.trim().split('\n').sort()).toEqual([services.db!.pkg, services.web!.pkg].sort())
    expect(test2!.trim().split('\n')).toEqual([services.api!.pkg])

    const containers = await tool('disnix-query', ['-f', 'containers', infrastructure])
    expect(containers.exitCode, containers.stderr).toBe(0)
    expect(containers.stdout).toContain(`Services on: test1\n\n  Container: wrapper\n`)
    expect(containers.stdout).toContain(`    ${services.db!.pkg}\n`)
    expect(containers.stdout.split('\n').filter((l) => l.startsWith('  Container: '))).toHaveLength(2)

    const xml = await tool('disnix-query', ['-f', 'xml', infrastructure])
    expect(xml.exitCode, xml.stderr).toBe(0)
    expect(xml.stdout.startsWith('<profileManifestTargets>')).toBe(true)
    for (const [name, s] of Object.entries(services)) {
      const pkg = await xpath(xml.stdout, `/profileManifestTargets/target[@name='${s.target}']/profileManifest/services/service[name='${name}']/pkg/text()`)
      expect(pkg).toBe(s.pkg)
      const target = await xpath(xml.stdout, `/profileManifestTargets/target[@name='${s.target}']/profileManifest/serviceMappings/mapping[service='${s.hash}']/target/text()`)
      expect(target).toBe(s.target)
    }

    const nix = await tool('disnix-query', ['-f', 'nix', infrastructure])
    expect(nix.exitCode, nix.stderr).toBe(0)
    const file = join(await testDir(), 'query.nix')
    await writeFile(file, nix.stdout)
    const evaluated = await execa('nix-instantiate', ['--eval', '--strict', '--json', file], { env: { ...process.env, ...nixTestEnv() } })
    const value = JSON.parse(evaluated.stdout) as Record<string, { profileManifest: { services: Record<string, { name: string; pkg: string }>; serviceMappings: unknown[] } }>
    for (const s of Object.values(services)) expect(value[s.target]!.profileManifest.services[s.hash]!.pkg).toBe(s.pkg)
    expect(value.test2!.profileManifest.serviceMappings).toHaveLength(1)
  })

  test('disnix-capture-infra prints every target with its Dysnomia properties and containers', async () => {
    await mkdir(join(root('test1'), 'etc/dysnomia/containers'), { recursive: true })
    await writeFile(join(root('test1'), 'etc/dysnomia/properties'), 'foo=bar\nsupportedTypes=("process" "wrapper")\n')
    await writeFile(join(root('test1'), 'etc/dysnomia/containers/wrapper'), 'greeting=hello\n')
    const r = await tool('disnix-capture-infra', [infrastructure])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout.startsWith('{\n  "test1" = {\n')).toBe(true)
    expect(r.stdout).toContain('"test2" = {')
    expect(r.stdout).toMatch(/"?foo"? = "bar"/)
    expect(r.stdout).toMatch(/"?supportedTypes"? = \[ "process"/)
    expect(r.stdout).toMatch(/wrapper = \{\n\s+"?greeting"? = "hello";/)
    // the whole output is one valid Nix expression
    const file = join(await testDir(), 'infra.nix')
    await writeFile(file, r.stdout)
    const evaluated = await execa('nix-instantiate', ['--eval', '--strict', '--json', file], { env: { ...process.env, ...nixTestEnv() } })
    expect(JSON.parse(evaluated.stdout).test1.properties.foo).toBe('bar')
  })

  test('disnix-diagnose runs a command in the service environment; filters and ambiguity are checked', async () => {
    const r = await coord.run('disnix-diagnose', ['-S', 'db', '--command', 'echo $this_component'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toContain(services.db!.pkg)
    expect(r.stderr).toContain(`Connecting to service: ${services.db!.pkg} deployed to container: wrapper`)

    const wrongTarget = await coord.run('disnix-diagnose', ['-S', 'db', '-t', 'test2', '--command', 'true'])
    expect(wrongTarget.exitCode).toBe(1)
    expect(wrongTarget.stderr).toContain('No mapping found for service: db (target: test2)')

    const shown = await coord.run('disnix-diagnose', ['-S', 'api', '--show-mappings'])
    expect(shown.exitCode, shown.stderr).toBe(0)
    expect(shown.stderr).toContain('This service has been mapped to:\n\ncontainer: wrapper, target: test2\n')

    // a manifest with db on both targets: without --command the mappings are listed and it fails
    const models2 = await testDir()
    await writeFile(join(models2, 'distribution.nix'), '{ infrastructure }:\n{\n  db = [ infrastructure.test1 infrastructure.test2 ];\n}\n')
    const built = await runBin('disnix-manifest', ['-s', join(dir, 'services.nix'), '-i', infrastructure, '-d', join(models2, 'distribution.nix'), '--no-out-link'], { env: coord.env })
    expect(built.exitCode, built.stderr).toBe(0)
    const several = await coord.run('disnix-diagnose', ['-S', 'db', built.stdout.trim()])
    expect(several.exitCode).toBe(1)
    expect(several.stderr).toContain('Multiple mappings found!')
    expect(several.stderr).toContain('container: wrapper, target: test1\ncontainer: wrapper, target: test2')
  })

  test('disnix-reconstruct recreates exactly one coordinator generation equal to the deployment, and none when unchanged', async () => {
    const captured = await tool('disnix-capture-manifest', [infrastructure])
    expect(captured.exitCode, captured.stderr).toBe(0)
    expect(captured.stdout).toContain(`"pkg" = builtins.storePath ${services.web!.pkg};`)
    expect(captured.stdout).toMatch(/"profiles" = \{\n\s+"test1" = builtins\.storePath \/nix\/store\//)

    const original = await realpath(deployed)
    expect((await coord.run('disnix-env', ['--delete-all-generations'])).exitCode).toBe(0)
    expect(await targetEntries(net, 'test1', 'nix/var/nix/profiles/disnix')).toEqual(['default', 'default-1-link'])

    const first = await coord.run('disnix-reconstruct', [infrastructure])
    expect(first.exitCode, first.stderr).toBe(0)
    expect(first.stderr).toContain('[coordinator]: Building captured deployment model...')
    expect((await coord.run('disnix-env', ['--list-generations'])).stdout.trim().split('\n')).toHaveLength(1)
    const compare = await coord.run('disnix-compare-manifest', ['-o', original, deployed])
    expect(compare.exitCode, compare.stderr).toBe(0)
    // the targets' profiles are untouched
    expect(await targetEntries(net, 'test1', 'nix/var/nix/profiles/disnix')).toEqual(['default', 'default-1-link'])

    const second = await coord.run('disnix-reconstruct', [infrastructure])
    expect(second.exitCode, second.stderr).toBe(0)
    expect(second.stderr).toContain('Not setting the profile as the manifest has not changed...')
    expect((await coord.run('disnix-env', ['--list-generations'])).stdout.trim().split('\n')).toHaveLength(1)
  })

  test('disnix-collect-garbage -d removes an unreferenced path on a target and keeps the deployed ones', async () => {
    const junkFile = join(await testDir(), 'coordinator-tools-junk')
    await writeFile(junkFile, `junk ${Date.now()}\n`)
    const junk = (await execa('nix-store', ['--add', junkFile], { env: { ...process.env, ...nixTestEnv() } })).stdout.trim()
    const exported = await execa('nix-store', ['--export', junk], { encoding: 'buffer', env: { ...process.env, ...nixTestEnv() } })
    const imported = await execa('ssh', ['-F', net.sshConfig, 'test1', 'nix-store', '--import'], { input: exported.stdout })
    expect(imported.exitCode).toBe(0)
    expect(existsSync(join(root('test1'), junk))).toBe(true)

    const r = await tool('disnix-collect-garbage', ['-d', infrastructure])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('[target: test1]: Running garbage collector')
    expect(r.stderr).toContain('[target: test2]: Running garbage collector')
    expect(existsSync(join(root('test1'), junk))).toBe(false)
    for (const s of Object.values(services)) expect(existsSync(join(root(s.target), s.pkg)), s.pkg).toBe(true)
  })

  test('disnix-env --build-on-targets builds on the targets and the results reach the coordinator', async () => {
    const version = `b${Date.now()}`
    const extra = ['--extra-params', `{ webVersion = "${version}"; }`]
    const instantiated = await runBin('disnix-instantiate', [...models, ...extra, '--no-out-link'], { env: coord.env })
    expect(instantiated.exitCode, instantiated.stderr).toBe(0)
    const ddXml = await readFile(instantiated.stdout.trim(), 'utf8')
    const drv = [...ddXml.matchAll(/<derivation>([^<]+)<\/derivation>/g)].map((m) => m[1]!).find((d) => d.endsWith(`-web-${version}.drv`))!
    expect(drv).toBeDefined()
    const out = (await execa('nix-store', ['-q', '--outputs', drv], { env: { ...process.env, ...nixTestEnv() } })).stdout.trim()
    expect(existsSync(out)).toBe(false)

    const r = await coord.run('disnix-env', [...models, ...extra, '--build-on-targets', '--verbose'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('[coordinator]: Remotely building services...')
    expect(r.stderr).toContain(`[target: test1]: Realising derivation: ${drv}`)
    // built on test1: the store derivation and its build log are there, not on the coordinator
    expect(existsSync(join(root('test1'), drv))).toBe(true)
    const log = join('nix/var/log/nix/drvs', drv.slice('/nix/store/'.length, '/nix/store/'.length + 2), `${drv.slice('/nix/store/'.length + 2)}.bz2`)
    expect(existsSync(join(root('test1'), log))).toBe(true)
    expect(existsSync(join('/', log))).toBe(false)
    expect(existsSync(out)).toBe(true)
    expect(await targetEntries(net, 'test1', 'var/state/pipeline')).toContain(`web-${version}`)
  })

  test('disnix-build builds a distributed derivation from disnix-instantiate on its targets', async () => {
    const version = `d${Date.now()}`
    const instantiated = await runBin('disnix-instantiate', [...models, '--extra-params', `{ webVersion = "${version}"; }`, '--no-out-link'], { env: coord.env })
    expect(instantiated.exitCode, instantiated.stderr).toBe(0)
    const file = instantiated.stdout.trim()
    const drv = [...(await readFile(file, 'utf8')).matchAll(/<derivation>([^<]+)<\/derivation>/g)].map((m) => m[1]!).find((d) => d.endsWith(`-web-${version}.drv`))!
    const out = (await execa('nix-store', ['-q', '--outputs', drv], { env: { ...process.env, ...nixTestEnv() } })).stdout.trim()

    const r = await tool('disnix-build', ['--verbose', file])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('[coordinator]: Distributing store derivation files...')
    expect(r.stderr).toContain('[coordinator]: Retrieving build results...')
    expect(existsSync(join(root('test1'), out))).toBe(true)
    expect(existsSync(out)).toBe(true)
  })

  test('an unreachable target is named and the tools fail', async () => {
    await net.stopSshd('test2')
    // no connection-sharing master may outlive the stopped sshd
    const tool = (name: string, args: readonly string[]) => runBin(name, args, { env: { ...coord.env, DISNIX_SSH_PERSIST: '0' }, timeoutMs: 60_000 })
    try {
      const query = await tool('disnix-query', [infrastructure])
      expect(query.exitCode).toBe(1)
      expect(query.stderr).toContain('[target: test2]: Cannot query the installed services!')
      expect(query.stderr).toContain('Cannot query the installed services of: test2')
      const gc = await tool('disnix-collect-garbage', [infrastructure])
      expect(gc.exitCode).toBe(1)
      expect(gc.stderr).toContain('Garbage collection failed on: test2')
      const capture = await tool('disnix-capture-infra', [infrastructure])
      expect(capture.exitCode).toBe(1)
      expect(capture.stdout).toContain('"test1" = {')
      expect(capture.stdout).not.toContain('"test2"')
      expect(capture.stderr).toContain('Cannot capture the configuration of: test2')
    } finally {
      await net.startSshd('test2')
    }
  })
})
