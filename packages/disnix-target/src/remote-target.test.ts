import { existsSync } from 'node:fs'
import { readFile, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildTestClosure, buildTestProfile, nixTestEnv, suiteDir, writeSshTestInterface, type TestClosure } from '@disnix-ts/libmain/testing'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { valueOptions } from '@disnix-ts/libinterface'

const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the remote target tests: ${support.reason}`)

/**
 * The client-interface operations against real, separate targets (each with its own /nix, /var/log,
 * /tmp, state): a custom interface forwards them over OpenSSH to disnix-run-activity, or to
 * disnix-client talking to a disnix-service started in the target with --daemon.
 */
describe.skipIf(!support.ok)('client-interface operations on a test network', () => {
  let net: Testnet
  let dir: string
  let iface: string
  let closure: TestClosure

  beforeAll(async () => {
    net = await startTestnet({ targets: 2 })
    dir = await suiteDir('disnix-remote-')
    iface = await writeSshTestInterface(dir, net.sshConfig, valueOptions())
    closure = await buildTestClosure()
    for (const target of net.targets) {
      const started = await net.exec(target.name, ['disnix-service', '--daemon'])
      expect(started.exitCode, started.stderr).toBe(0)
    }
  }, 120_000)

  afterAll(async () => {
    await net?.down()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const call = async (remoteClient: string, args: readonly string[]) =>
    execa(iface, [...args], { env: { ...nixTestEnv(), REMOTE_CLIENT: remoteClient, TMPDIR: dir }, reject: false, stripFinalNewline: false })
  const ok = async (remoteClient: string, args: readonly string[]) => {
    const result = await call(remoteClient, args)
    expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0)
    return String(result.stdout)
  }
  const hostPath = (target: string, path: string) => join(net.targets.find((t) => t.name === target)?.root ?? '/nonexistent', path)

  describe.each([
    ['disnix-run-activity', 'testtarget1'],
    ['disnix-client', 'testtarget2'],
  ])('through %s on %s', (remoteClient, target) => {
    test('closure transfer, profile, activation, locking and garbage collection act on the target', async () => {
      const other = await buildTestClosure()
      // Its store starts empty: everything is invalid there, nothing here.
      expect(await ok(remoteClient, ['--target', target, '--print-invalid', ...closure.paths])).toBe(`${closure.paths.join('\n')}\n`)
      const exportFile = join(dir, `${target}.closure`)
      await execa('sh', ['-c', 'nix-store --export "$@" > "$0"', exportFile, ...closure.paths, ...other.paths], { env: nixTestEnv() })
      await ok(remoteClient, ['--import', '--target', target, '--localfile', exportFile])
      expect(await ok(remoteClient, ['--target', target, '--print-invalid', ...closure.paths, ...other.paths])).toBe('')
      expect(await ok(remoteClient, ['--query-requisites', '--target', target, closure.service])).toBe(`${closure.paths.join('\n')}\n`)
      const remoteHash = (await net.exec(target, ['nix-store', '-q', '--hash', closure.service])).stdout.trim()
      const localHash = (await execa('nix-store', ['-q', '--hash', closure.service], { env: nixTestEnv() })).stdout.trim()
      expect(remoteHash).toBe(localHash)
      // Export on the target, back to us as a file that nix-store --import accepts.
      const exported = (await ok(remoteClient, ['--target', target, '--export', '--remotefile', closure.lib])).trim()
      const reimported = await execa('sh', ['-c', 'nix-store --import < "$0"', exported], { env: nixTestEnv() })
      expect(reimported.stdout.trim(), reimported.stderr).toBe(closure.lib)

      // Profiles: in the target's own profile dir; an unchanged set adds no generation.
      const profile = await buildTestProfile(
        `<?xml version="1.0"?>\n<profilemanifest version="2"><services><service name="h1"><name>svc</name><pkg>${closure.service}</pkg><type>echo</type></service></services><serviceMappings><mapping><service>h1</service><container>echo</container></mapping></serviceMappings><snapshotMappings/></profilemanifest>\n`,
      )
      await execa('sh', ['-c', 'nix-store --export $(nix-store -qR "$1") > "$0"', exportFile, profile], { env: nixTestEnv() })
      await ok(remoteClient, ['--import', '--target', target, '--localfile', exportFile])
      await ok(remoteClient, ['--target', target, '--profile', 'default', '--set', profile])
      await ok(remoteClient, ['--target', target, '--profile', 'default', '--set', profile])
      expect((await readdir(hostPath(target, 'nix/var/nix/profiles/disnix'))).sort()).toEqual(['default', 'default-1-link'])
      expect(await ok(remoteClient, ['--target', target, '--profile', 'default', '--query-installed'])).toMatch(/<pkg>\/nix\/store\/.*-tn-service-/)

      // Activation through Dysnomia's echo module, with container properties.
      const activated = await call(remoteClient, ['--activate', '--target', target, '--container', 'echo', '--type', 'echo', '--arguments', 'greeting=hello world', closure.service])
      expect(activated.exitCode, String(activated.stderr)).toBe(0)

      // Locking notifies the profile's services; twice fails; the lock file is in the target's /tmp.
      await ok(remoteClient, ['--lock', '--target', target, '--profile', 'default'])
      expect(existsSync(hostPath(target, 'tmp/disnix-default.lock'))).toBe(true)
      const second = await call(remoteClient, ['--lock', '--target', target, '--profile', 'default'])
      expect(second.exitCode).not.toBe(0)
      await ok(remoteClient, ['--unlock', '--target', target, '--profile', 'default'])
      expect((await call(remoteClient, ['--unlock', '--target', target, '--profile', 'default'])).exitCode).not.toBe(0)
      expect(existsSync(hostPath(target, 'tmp/disnix-default.lock'))).toBe(false)

      if (remoteClient === 'disnix-client') {
        // Job logs in the target's own /var/log/disnix, numbered from 0 on a fresh target.
        const logDir = hostPath(target, 'var/log/disnix')
        const logs = (await readdir(logDir)).map(Number).sort((a, b) => a - b)
        expect(logs).toEqual([...Array(logs.length).keys()])
        const texts = await Promise.all(logs.map((id) => readFile(join(logDir, String(id)), 'utf8')))
        expect(texts[0]).toBe(`Print invalid: ${closure.paths.map((p) => `${p} `).join('')}\n`)
        const activation = texts.find((t) => t.startsWith('activate: '))
        expect(activation).toMatch(/Echo module: Activate service: .*tn-service-/)
        expect(activation).toMatch(/greeting='?hello world'?/)
        expect(texts.some((t) => t.startsWith('Acquiring lock on profile: default\nNotifying lock on '))).toBe(true)
      }

      // Garbage collection in the target's store: the other closure goes, the profile's stays.
      await ok(remoteClient, ['--target', target, '--collect-garbage', '-d'])
      expect(await ok(remoteClient, ['--target', target, '--print-invalid', ...other.paths, ...closure.paths])).toBe(`${other.paths.join('\n')}\n`)
      // The coordinator's store is untouched.
      expect((await execa('nix-store', ['--check-validity', ...other.paths], { env: nixTestEnv(), reject: false })).exitCode).toBe(0)
    })

    test('capture-config prints a file on the target holding the expression', async () => {
      const file = (await ok(remoteClient, ['--capture-config', '--target', target])).trim()
      expect(file).toMatch(/^\/tmp\/disnix\./)
      expect(await readFile(hostPath(target, file), 'utf8')).toMatch(/^\{\n/)
    })

    test('a name with spaces and shell metacharacters reaches the target verbatim', async () => {
      const odd = '/nix/store/00000000000000000000000000000000-a b;$(touch pwned)`id`'
      const result = await call(remoteClient, ['--target', target, '--print-invalid', odd])
      // Nix itself rejects the name, which shows that it arrived in one piece.
      expect(result.exitCode).not.toBe(0)
      expect(String(result.stderr)).toContain("'00000000000000000000000000000000-a b;$(touch pwned)`id`' contains illegal character")
      expect(existsSync(hostPath(target, 'root/pwned'))).toBe(false)
      expect(existsSync(hostPath(target, 'pwned'))).toBe(false)
    })
  })
})
