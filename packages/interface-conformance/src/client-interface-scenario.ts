import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildTestClosure, buildTestProfile, nixTestEnv, suiteDir, type BinResult, type TestClosure } from '@disnix-ts/test-utils'
import { printProfileManifestXml, type ProfileManifest } from '@disnix-ts/libmanifest'
import { writeTestModules } from './test-modules.js'

/** A client interface under test, executing on this machine. */
export interface LocalInterface {
  run(args: readonly string[]): Promise<BinResult>
  /** TMPDIR of whoever executes the operations (temp files and lock files appear there). */
  tmpdir: string
  /** Where the executing side writes logs (disnix-service's job logs): no secret may show up there. */
  logDir?: string
  stop(): Promise<void>
}

/** The environment the executing side needs: Nix for tests, private Dysnomia dirs. */
export interface ScenarioEnv {
  dir: string
  env: NodeJS.ProcessEnv
  statedir: string
}

const PROFILE_DIR = '/nix/var/nix/profiles/disnix'

/**
 * Runs every client-interface operation (spec §3.1) through an interface executing on this machine
 * (disnix-run-activity, or disnix-client + disnix-service) and checks the effects on the store, the
 * profiles and the Dysnomia state. Garbage collection is left to the test network (its own store).
 */
export function describeClientInterface(name: string, start: (scenario: ScenarioEnv) => Promise<LocalInterface>): void {
  describe(`${name}: client-interface operations`, () => {
    let scenario: ScenarioEnv
    let iface: LocalInterface
    let closure: TestClosure
    // A unique profile in the real profile dir (we are root); removed afterwards.
    const profile = `disnix-ts-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`

    beforeAll(async () => {
      const dir = await suiteDir('disnix-target-')
      const statedir = join(dir, 'state')
      const modules = await writeTestModules(dir)
      await mkdir(statedir, { recursive: true })
      await writeFile(join(dir, 'properties'), 'foo="bar"\nsystem="x86_64-linux"\n')
      scenario = {
        dir,
        statedir,
        env: {
          ...nixTestEnv(),
          DYSNOMIA_STATEDIR: statedir,
          DYSNOMIA_MODULES_PATH: modules,
          DYSNOMIA_PROPERTIES: join(dir, 'properties'),
          DYSNOMIA_CONTAINERS_PATH: join(dir, 'containers'),
          DISNIX_SECRETS_DIR: join(dir, 'secrets'),
        },
      }
      iface = await start(scenario)
      closure = await buildTestClosure()
    })

    afterAll(async () => {
      await iface?.stop()
      for (const entry of await readdir(PROFILE_DIR).catch(() => [] as string[])) {
        if (entry === profile || entry.startsWith(`${profile}-`)) await rm(join(PROFILE_DIR, entry), { force: true })
      }
      if (scenario) await rm(scenario.dir, { recursive: true, force: true })
    })

    const ok = async (args: readonly string[]): Promise<string> => {
      const result = await iface.run(args)
      expect(result.stderr, `${args.join(' ')}`).not.toMatch(/internal error/)
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0)
      return result.stdout
    }

    test('put-secret writes the file with mode 0600 for its owner and prints its path; remove-secrets removes it', async () => {
      const password = `pw-${Math.random().toString(36).slice(2)}-${process.pid}`
      const file = join(scenario.dir, 'db-password')
      await writeFile(file, `${password}\n`, { mode: 0o600 })
      const ref = ['--profile', profile, '--container', 'db', '--service', 'k1']
      const out = await ok(['--put-secret', '--target', 'localhost', ...ref, '--secret', 'dbPassword', '--owner', 'nobody', '--group', 'nogroup', file])
      const path = join(scenario.dir, 'secrets', profile, 'db', 'k1', 'dbPassword')
      expect(out).toBe(`${path}\n`)
      const info = await stat(path)
      expect(info.mode & 0o777).toBe(0o600)
      expect([info.uid, info.gid]).toEqual([await idOf('-u', 'nobody'), await idOf('-g', 'nobody')])
      expect((await stat(join(scenario.dir, 'secrets', profile, 'db', 'k1'))).mode & 0o777).toBe(0o711)
      expect(await readFile(path, 'utf8')).toBe(`${password}\n`)
      // Written again (a redeployment), it is replaced; no temp file is left next to it.
      await writeFile(file, 'second', { mode: 0o600 })
      await ok(['--put-secret', '--target', 'localhost', ...ref, '--secret', 'dbPassword', '--owner', 'nobody', '--group', 'nogroup', file])
      expect(await readFile(path, 'utf8')).toBe('second')
      expect(await readdir(join(scenario.dir, 'secrets', profile, 'db', 'k1'))).toEqual(['dbPassword'])
      for (const dir of [iface.tmpdir, ...(iface.logDir === undefined ? [] : [iface.logDir])]) {
        const hits = await execa('grep', ['-r', '-l', '-e', password, '-e', 'second', dir], { reject: false })
        expect(hits.stdout, `${dir} shows the secret`).toBe('')
      }
      await ok(['--remove-secrets', '--target', 'localhost', ...ref])
      expect(existsSync(join(scenario.dir, 'secrets', profile))).toBe(false)
    })

    test('put-secret for an owner that does not exist fails naming it and writes nothing', async () => {
      const file = join(scenario.dir, 'other-secret')
      await writeFile(file, 'x', { mode: 0o600 })
      const result = await iface.run(['--put-secret', '--target', 'localhost', '--profile', profile, '--container', 'db', '--service', 'k2', '--secret', 's', '--owner', 'no-such-user-xyz', file])
      expect(result.exitCode).not.toBe(0)
      expect(result.stderr).toMatch(/the user "no-such-user-xyz" does not exist/)
      expect(existsSync(join(scenario.dir, 'secrets', profile, 'db', 'k2', 's'))).toBe(false)
    })

    test('print-invalid prints only the invalid paths', async () => {
      const missing = '/nix/store/00000000000000000000000000000000-missing'
      expect(await ok(['--target', 'localhost', '--print-invalid', closure.service, missing])).toBe(`${missing}\n`)
      expect(await ok(['--target', 'localhost', '--print-invalid', ...closure.paths])).toBe('')
    })

    test('query-requisites prints the closure, root last', async () => {
      expect(await ok(['--query-requisites', '--target', 'localhost', closure.service])).toBe(`${closure.paths.join('\n')}\n`)
    })

    test('export prints a readable temp file that import brings back into the store', async () => {
      const fresh = await buildTestClosure()
      const stdout = await ok(['--target', 'localhost', '--export', '--remotefile', ...fresh.paths])
      const file = stdout.trim()
      expect(stdout).toBe(`${file}\n`)
      expect(file.startsWith(join(iface.tmpdir, 'disnix.'))).toBe(true)
      expect((await stat(file)).mode & 0o777).toBe(0o644)
      const hashes = await Promise.all(fresh.paths.map((p) => nixHash(p)))
      await execa('nix-store', ['--delete', ...fresh.paths], { env: nixTestEnv() })
      expect(await ok(['--target', 'localhost', '--print-invalid', ...fresh.paths])).toBe(`${fresh.paths.join('\n')}\n`)
      await ok(['--import', '--target', 'localhost', '--localfile', file])
      expect(await ok(['--target', 'localhost', '--print-invalid', ...fresh.paths])).toBe('')
      expect(await Promise.all(fresh.paths.map((p) => nixHash(p)))).toEqual(hashes)
      await rm(file)
    })

    test('export of an invalid path fails and leaves no temp file (QUIRK 7 fixed)', async () => {
      const before = await readdir(iface.tmpdir)
      const result = await iface.run(['--target', 'localhost', '--export', '--remotefile', '/nix/store/00000000000000000000000000000000-missing'])
      expect(result.exitCode).not.toBe(0)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/is not valid/)
      expect(await readdir(iface.tmpdir)).toEqual(before)
    })

    test('realise builds a store derivation and prints its output', async () => {
      const expr = join(scenario.dir, `realise-${profile}.nix`)
      await writeFile(expr, `derivation { name = "${profile}-out"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo built > $out" ]; }`)
      const { stdout: drv } = await execa('nix-instantiate', [expr], { env: nixTestEnv() })
      const out = await ok(['--realise', '--target', 'localhost', drv.trim()])
      expect(out).toMatch(new RegExp(`^/nix/store/[a-z0-9]{32}-${profile}-out\\n$`))
      expect(await readFile(out.trim(), 'utf8')).toBe('built\n')
    })

    test('set creates a generation, an unchanged set creates none, query-installed prints the manifest', async () => {
      expect(await ok(['--target', 'localhost', '--profile', profile, '--query-installed'])).toMatch(/^\n?$/)
      const xml = profileManifestXml(closure.service, 'recorder')
      const first = await buildTestProfile(xml)
      await ok(['--target', 'localhost', '--profile', profile, '--set', first])
      await ok(['--target', 'localhost', '--profile', profile, '--set', first])
      expect(await generations(profile)).toEqual([profile, `${profile}-1-link`])
      expect(await readlink(join(PROFILE_DIR, `${profile}-1-link`))).toBe(first)
      expect(await ok(['--target', 'localhost', '--profile', profile, '--query-installed'])).toMatch(new RegExp(`^${escape(xml)}\\n?$`))
      const second = await buildTestProfile(profileManifestXml(closure.service, 'recorder'))
      await ok(['--target', 'localhost', '--profile', profile, '--set', second])
      expect(await generations(profile)).toEqual([profile, `${profile}-1-link`, `${profile}-2-link`])
    })

    test('set of a path that is not in the store fails', async () => {
      const result = await iface.run(['--target', 'localhost', '--profile', `${profile}x`, '--set', '/nix/store/00000000000000000000000000000000-missing'])
      expect(result.exitCode).not.toBe(0)
      expect(existsSync(join(PROFILE_DIR, `${profile}x`))).toBe(false)
    })

    test('activities run the Dysnomia module with the container properties; container defaults to the type', async () => {
      const log = join(scenario.statedir, 'recorder.log')
      await rm(log, { force: true })
      await ok(['--activate', '--target', 'localhost', '--type', 'recorder', '--arguments', 'foo=a b $(x)', closure.service])
      await ok(['--deactivate', '--target', 'localhost', '--container', 'other', '--type', 'recorder', closure.service])
      await ok(['--delete-state', '--target', 'localhost', '--type', 'recorder', closure.service])
      expect(await readFile(log, 'utf8')).toBe(
        [
          `activate ${closure.service} recorder foo=a b $(x)`,
          `deactivate ${closure.service} other foo=`,
          `collect-garbage ${closure.service} recorder foo=`,
          '',
        ].join('\n'),
      )
    })

    test('a failing activity fails with the module\'s message', async () => {
      const result = await iface.run(['--activate', '--target', 'localhost', '--type', 'failing', closure.service])
      expect(result.exitCode).not.toBe(0)
      expect(result.stderr).toMatch(/failing module: activate refused/)
    })

    test('check prints healthy, failing or unknown with a reason and succeeds for each of them', async () => {
      const component = closure.service
      const name = component.slice('/nix/store/'.length + 33)
      const check = (type: string, container = type) => ok(['--check', '--target', 'localhost', '--type', type, '--container', container, component])
      await ok(['--activate', '--target', 'localhost', '--type', 'recorder', '--container', 'checked', component])
      expect(await check('recorder', 'checked')).toBe(`healthy: ${name} has its state\n`)
      await rm(join(scenario.statedir, 'recorder', name), { recursive: true })
      expect(await check('recorder', 'checked')).toBe(`failing: recorder: no state of ${name}\n`)
      expect(await check('failing')).toBe('failing: failing module: check refused\n')
      expect(await check('legacy')).toBe('unknown: module legacy does not implement check\n')
      const missing = await iface.run(['--check', '--target', 'localhost', '--type', 'no-such-module', component])
      expect(missing.exitCode).not.toBe(0)
      expect(missing.stdout).toBe('')
    })

    test('activate-check activates, then prints what check would; a refused activation fails as --activate does', async () => {
      const component = closure.service
      const name = component.slice('/nix/store/'.length + 33)
      await rm(join(scenario.statedir, 'recorder', name), { recursive: true, force: true })
      const activateCheck = (type: string) => iface.run(['--activate-check', '--target', 'localhost', '--type', type, component])
      expect(await ok(['--activate-check', '--target', 'localhost', '--type', 'recorder', component])).toBe(`healthy: ${name} has its state\n`)
      expect((await stat(join(scenario.statedir, 'recorder', name))).isDirectory()).toBe(true)
      expect((await activateCheck('legacy')).stdout).toBe('unknown: module legacy does not implement check\n')
      const refused = await activateCheck('failing')
      expect(refused.exitCode).not.toBe(0)
      expect(refused.stdout).toBe('')
      expect(refused.stderr).toMatch(/failing module: activate refused/)
    })

    test('snapshot, query, resolve, export, import and clean snapshots', async () => {
      const component = closure.service
      const name = component.slice('/nix/store/'.length + 33)
      await ok(['--activate', '--target', 'localhost', '--type', 'recorder', component])
      const data = join(scenario.statedir, 'recorder', name, 'data')
      await writeFile(data, 'one\n')
      await ok(['--snapshot', '--target', 'localhost', '--type', 'recorder', component])
      await writeFile(data, 'two\n')
      await ok(['--snapshot', '--target', 'localhost', '--type', 'recorder', component])
      const all = (await ok(['--target', 'localhost', '--query-all-snapshots', '--container', 'recorder', '--component', name])).split('\n').filter(Boolean)
      expect(all).toHaveLength(2)
      for (const id of all) expect(id).toMatch(new RegExp(`^recorder/${name}/[0-9a-f]{64}$`))
      const latest = await ok(['--target', 'localhost', '--query-latest-snapshot', '--container', 'recorder', '--component', name])
      expect(latest).toBe(`${all[1]}\n`)
      const missing = `recorder/${name}/${'0'.repeat(64)}`
      expect(await ok(['--target', 'localhost', '--print-missing-snapshots', ...all, missing])).toBe(`${missing}\n`)
      const resolved = (await ok(['--target', 'localhost', '--resolve-snapshots', all[1] as string])).trim()
      expect(resolved).toBe(join(scenario.statedir, 'snapshots', all[1] as string))
      const exported = (await ok(['--target', 'localhost', '--export-snapshots', resolved])).trim()
      const copy = join(exported, resolved.split('/').at(-1) as string)
      expect(await readFile(join(copy, 'data'), 'utf8')).toBe('two\n')
      // Import the exported copy as a snapshot of another component.
      await ok(['--target', 'localhost', '--import-snapshots', '--localfile', '--container', 'recorder', '--component', 'copied', copy])
      expect(await ok(['--target', 'localhost', '--query-all-snapshots', '--container', 'recorder', '--component', 'copied'])).toBe(
        `recorder/copied/${resolved.split('/').at(-1)}\n`,
      )
      await rm(exported, { recursive: true, force: true })
      // Restore brings back the latest snapshot.
      await writeFile(data, 'three\n')
      await ok(['--restore', '--target', 'localhost', '--type', 'recorder', component])
      expect(await readFile(data, 'utf8')).toBe('two\n')
      await ok(['--target', 'localhost', '--clean-snapshots', '--keep', '1', '--container', 'recorder', '--component', name])
      expect(await ok(['--target', 'localhost', '--query-all-snapshots', '--container', 'recorder', '--component', name])).toBe(`${all[1]}\n`)
    })

    test('lock twice fails, unlock twice fails; services are notified', async () => {
      const lockProfile = `${profile}-lock`
      const log = join(scenario.statedir, 'recorder.log')
      await ok(['--target', 'localhost', '--profile', lockProfile, '--set', await buildTestProfile(profileManifestXml(closure.service, 'recorder'))])
      await rm(log, { force: true })
      const lockFile = join(iface.tmpdir, `disnix-${lockProfile}.lock`)
      await ok(['--lock', '--target', 'localhost', '--profile', lockProfile])
      expect(existsSync(lockFile)).toBe(true)
      expect(await readFile(log, 'utf8')).toBe(`lock ${closure.service} recorder foo=\n`)
      const second = await iface.run(['--lock', '--target', 'localhost', '--profile', lockProfile])
      expect(second.exitCode).toBe(1)
      expect(second.stderr).toMatch(/Cannot exclusively open the lock file!/)
      await ok(['--unlock', '--target', 'localhost', '--profile', lockProfile])
      expect(existsSync(lockFile)).toBe(false)
      const again = await iface.run(['--unlock', '--target', 'localhost', '--profile', lockProfile])
      expect(again.exitCode).toBe(1)
      expect(again.stderr).toMatch(/There is no lock file!/)
    })

    test('a service refusing the lock fails the lock and leaves no lock file', async () => {
      const lockProfile = `${profile}-refuse`
      await ok(['--target', 'localhost', '--profile', lockProfile, '--set', await buildTestProfile(profileManifestXml(closure.service, 'recorder'))])
      await writeFile(join(scenario.statedir, 'refuse-lock'), '')
      try {
        const result = await iface.run(['--lock', '--target', 'localhost', '--profile', lockProfile])
        expect(result.exitCode).toBe(1)
        expect(result.stderr).toMatch(/recorder: refusing the lock/)
        expect(result.stderr).toMatch(/Cannot lock service!/)
        expect(existsSync(join(iface.tmpdir, `disnix-${lockProfile}.lock`))).toBe(false)
        expect(await readFile(join(scenario.statedir, 'recorder.log'), 'utf8')).toMatch(new RegExp(`unlock ${closure.service} recorder foo=\\n$`))
      } finally {
        await rm(join(scenario.statedir, 'refuse-lock'), { force: true })
      }
    })

    test('lock of a profile without a deployment only creates the lock file', async () => {
      const lockProfile = `${profile}-empty`
      await ok(['--lock', '--target', 'localhost', '--profile', lockProfile])
      await ok(['--unlock', '--target', 'localhost', '--profile', lockProfile])
    })

    test('capture-config prints a temp file holding the container configuration expression', async () => {
      const file = (await ok(['--capture-config', '--target', 'localhost'])).trim()
      expect(file.startsWith(join(iface.tmpdir, 'disnix.'))).toBe(true)
      expect(await readFile(file, 'utf8')).toMatch(/"foo" = "bar";/)
      await rm(file)
    })

    test('bad input: no operation, no type, no component', async () => {
      expect(await iface.run([])).toMatchObject({ exitCode: 1, stdout: '', stderr: 'ERROR: No operation specified!\n' })
      expect(await iface.run(['--activate', closure.service])).toMatchObject({ exitCode: 1, stderr: 'ERROR: A type must be specified!\n' })
      expect(await iface.run(['--deactivate', '--type', 'echo'])).toMatchObject({
        exitCode: 1,
        stderr: 'ERROR: A Nix store component has to be specified!\n',
      })
      expect(await iface.run(['--import', '--localfile'])).toMatchObject({ exitCode: 1, stderr: 'ERROR: A Nix store component has to be specified!\n' })
      expect(await iface.run(['--resolve-snapshots'])).toMatchObject({ exitCode: 1, stderr: 'ERROR: A Dysnomia snapshot has to be specified!\n' })
    })

    test('paths with spaces and shell metacharacters are passed verbatim, never interpreted', async () => {
      const odd = join(scenario.dir, 'a b; $(touch pwned) `x` \'q\'')
      const result = await iface.run(['--target', 'localhost', '--print-invalid', odd])
      // nix-store rejects a path outside the store; what matters is that no shell ran it.
      expect(result.exitCode).not.toBe(0)
      expect(result.stderr).toContain('a b; $(touch pwned)')
      expect(existsSync(join(scenario.dir, 'pwned'))).toBe(false)
      expect(existsSync('pwned')).toBe(false)
    })
  })
}

function profileManifestXml(pkg: string, type: string): string {
  const manifest: ProfileManifest = {
    services: { h1: { name: 'svc', pkg, type, dependsOn: [], connectsTo: [], providesContainers: {} } },
    serviceMappings: [{ service: 'h1', container: type, target: hostname() }],
    snapshotMappings: [],
  }
  return printProfileManifestXml(manifest, { omitTarget: hostname() })
}

async function generations(profile: string): Promise<string[]> {
  return (await readdir(PROFILE_DIR)).filter((e) => e === profile || new RegExp(`^${escape(profile)}-\\d+-link$`).test(e)).sort()
}

async function nixHash(path: string): Promise<string> {
  return (await execa('nix-store', ['-q', '--hash', path], { env: nixTestEnv() })).stdout.trim()
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

async function idOf(flag: '-u' | '-g', user: string): Promise<number> {
  return Number((await execa('id', [flag, user])).stdout.trim())
}
