import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { runBin, runsHere } from '@disnix-ts/test-utils'
import { coordinator, targetLines, type Coordinator } from './scenario-helpers.js'

vi.setConfig({ testTimeout: 300_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the secret files scenario: ${support.reason}`)

// A database password that lives in a file on the coordinator (never in a model, never in the Nix
// store) is delivered at activation: the target holds it with mode 0600 for its owner, the module gets
// its path and reads it, undeploying removes it; no output, manifest, store path or log anywhere holds
// the password.
describe.runIf(runsHere(support, 'a test network'))('secret files end to end', () => {
  let net: Testnet
  let coord: Coordinator
  let dir: string
  const PASSWORD = `pw-${randomBytes(12).toString('hex')}`

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1'] })
    coord = await coordinator(net)
    dir = await mkdtemp(join(tmpdir(), 'disnix-secret-files-'))
    await writeFile(join(dir, 'db-password'), `${PASSWORD}\n`, { mode: 0o600 })
    await writeModels(dir, join(dir, 'db-password'))
  })
  afterAll(async () => {
    await net?.down()
    await coord?.cleanup()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const models = () => ['-s', join(dir, 'services.nix'), '-i', join(dir, 'infrastructure.nix'), '-d', join(dir, 'distribution.nix')]
  const onTarget = (path: string) => join(net.targets[0]!.root, path)

  /** Every file under `path` that holds the password (grep -r), as a list; [] when none. */
  const holders = async (...paths: string[]): Promise<string[]> => {
    const existing = paths.filter((p) => existsSync(p))
    if (existing.length === 0) return []
    const r = await execa('grep', ['-r', '-l', '-F', '-e', PASSWORD, ...existing], { reject: false })
    return r.stdout.split('\n').filter((l) => l !== '')
  }

  test.for([
    ['the in-process client interface', 'in-process', {}],
    ['disnix-ssh-client processes', 'processes', { DISNIX_IN_PROCESS_INTERFACE: '0' }],
    ['disnix-ssh-client without its --serve session', 'no-serve', { DISNIX_IN_PROCESS_INTERFACE: '0', DISNIX_SSH_SERVE: '0' }],
  ] as const)('%s: delivered with mode 0600 for its owner, the module reads it by path, nothing shows it, undeploy removes it', async ([, profile, extra]) => {
    await rm(onTarget('var/state/secret-path'), { force: true })
    const env = { ...coord.env, ...extra }
    const args = [...models(), '-p', profile, '--coordinator-profile-path', coord.profileDir]
    const r = await runBin('disnix-env', [...args, '--log-format', 'json'], { env, timeoutMs: 300_000 })
    expect(r.exitCode, r.stderr).toBe(0)

    const [path] = await targetLines(net, 'test1', 'var/state/secret-path')
    expect(path).toMatch(new RegExp(`^/var/lib/disnix/secrets/${profile}/wrapper/[0-9a-f]+/dbPassword$`))
    const file = onTarget(path!)
    const info = await stat(file)
    expect(info.mode & 0o777).toBe(0o600)
    expect([info.uid, info.gid]).toEqual([65534, 65534])
    expect(await readFile(file, 'utf8')).toBe(`${PASSWORD}\n`)
    // The module read the file through the path it was given.
    const digest = (await execa('cksum', { input: `${PASSWORD}\n` })).stdout
    expect(await targetLines(net, 'test1', 'var/state/secret-digest')).toEqual([digest])

    // Nowhere else: the output and the JSON event stream, the manifest and its closure on the
    // coordinator, the target's Nix store, profiles and logs.
    for (const output of [r.stdout, r.stderr]) expect(output).not.toContain(PASSWORD)
    const manifest = await realpath(join(coord.profileDir, profile))
    const closure = (await execa('nix-store', ['-qR', manifest], { env: coord.env })).stdout.split('\n')
    expect(await holders(...closure)).toEqual([])
    expect(await holders(onTarget('nix/store'), onTarget('nix/var'), onTarget('var/log'), onTarget('tmp'))).toEqual([])

    const undeploy = await runBin('disnix-env', ['-i', join(dir, 'infrastructure.nix'), '--undeploy', '-p', profile, '--coordinator-profile-path', coord.profileDir], { env, timeoutMs: 300_000 })
    expect(undeploy.exitCode, undeploy.stderr).toBe(0)
    expect(existsSync(file)).toBe(false)
    expect(existsSync(onTarget(`var/lib/disnix/secrets/${profile}`))).toBe(false)
    for (const output of [undeploy.stdout, undeploy.stderr]) expect(output).not.toContain(PASSWORD)
  })

  test('through disnix-client and disnix-service on the target: the job logs name the secret, never its content', async () => {
    const started = await net.exec('test1', ['sh', '-c', 'disnix-service --daemon --pid-file /run/disnix-service.pid --log-file /var/log/disnix.log'])
    expect(started.exitCode, started.stderr).toBe(0)
    try {
      const env = { ...coord.env, DISNIX_REMOTE_CLIENT: 'disnix-client' }
      const args = [...models(), '-p', 'service', '--coordinator-profile-path', coord.profileDir]
      const r = await runBin('disnix-env', args, { env, timeoutMs: 300_000 })
      expect(r.exitCode, r.stderr).toBe(0)
      const [path] = await targetLines(net, 'test1', 'var/state/secret-path')
      expect(path).toMatch(/^\/var\/lib\/disnix\/secrets\/service\/wrapper\/[0-9a-f]+\/dbPassword$/)
      expect((await stat(onTarget(path!))).mode & 0o777).toBe(0o600)
      expect(await readFile(onTarget(path!), 'utf8')).toBe(`${PASSWORD}\n`)
      const jobLogs = await execa('grep', ['-r', '-h', '^Put secret: dbPassword', onTarget('var/log/disnix')], { reject: false })
      expect(jobLogs.stdout).toMatch(/^Put secret: dbPassword of service: [0-9a-f]+ in container: wrapper of profile: service owned by: nobody:nogroup$/m)
      expect(await holders(onTarget('var/log'), onTarget('tmp'), onTarget('nix/store'))).toEqual([])
      for (const output of [r.stdout, r.stderr]) expect(output).not.toContain(PASSWORD)
      const undeploy = await runBin('disnix-env', ['-i', join(dir, 'infrastructure.nix'), '--undeploy', '-p', 'service', '--coordinator-profile-path', coord.profileDir], { env, timeoutMs: 300_000 })
      expect(undeploy.exitCode, undeploy.stderr).toBe(0)
      expect(existsSync(onTarget(path!))).toBe(false)
    } finally {
      await net.exec('test1', ['sh', '-c', 'kill $(cat /run/disnix-service.pid)'])
    }
  })

  test('a failing activation rolls back and removes the secret it delivered; messages do not show it', async () => {
    await writeFile(onTarget('var/state/fail-with-secret'), '')
    try {
      const r = await runBin('disnix-env', [...models(), '-p', 'failing', '--coordinator-profile-path', coord.profileDir], { env: coord.env, timeoutMs: 300_000 })
      expect(r.exitCode).not.toBe(0)
      // The module printed the password it read: the message shows ***.
      expect(r.stderr).toMatch(/cannot connect with password \*\*\*/)
      for (const output of [r.stdout, r.stderr]) expect(output).not.toContain(PASSWORD)
      expect(existsSync(onTarget('var/lib/disnix/secrets/failing'))).toBe(false)
    } finally {
      await rm(onTarget('var/state/fail-with-secret'), { force: true })
    }
  })

  test('an owner that does not exist on the target fails the activation, naming the user; nothing is left there', async () => {
    const other = await mkdtemp(join(tmpdir(), 'disnix-secret-owner-'))
    try {
      await writeFile(join(other, 'db-password'), `${PASSWORD}\n`, { mode: 0o600 })
      await writeModels(other, join(other, 'db-password'), 'no-such-user')
      const r = await runBin('disnix-env', ['-s', join(other, 'services.nix'), '-i', join(other, 'infrastructure.nix'), '-d', join(other, 'distribution.nix'), '-p', 'owner', '--coordinator-profile-path', coord.profileDir], { env: coord.env, timeoutMs: 300_000 })
      expect(r.exitCode).not.toBe(0)
      expect(r.stderr).toContain('the user "no-such-user" does not exist on this machine')
      for (const output of [r.stdout, r.stderr]) expect(output).not.toContain(PASSWORD)
      expect(existsSync(onTarget('var/lib/disnix/secrets/owner'))).toBe(false)
    } finally {
      await rm(other, { recursive: true, force: true })
    }
  })

  test('an unreadable secret file stops the deployment before anything is activated, naming service, secret and file', async () => {
    const other = await mkdtemp(join(tmpdir(), 'disnix-secret-missing-'))
    try {
      await writeModels(other, join(other, 'no-such-password'))
      const r = await runBin('disnix-env', ['-s', join(other, 'services.nix'), '-i', join(other, 'infrastructure.nix'), '-d', join(other, 'distribution.nix'), '-p', 'missing', '--coordinator-profile-path', coord.profileDir], { env: coord.env, timeoutMs: 300_000 })
      expect(r.exitCode).not.toBe(0)
      expect(r.stderr).toContain(`[coordinator]: the secret dbPassword of service db-client is the file ${join(other, 'no-such-password')}, but it does not exist\n`)
      expect(r.stderr).not.toContain('[coordinator]: [coordinator]:')
      expect(r.stderr).not.toMatch(/Activating service/)
      expect(existsSync(onTarget('var/lib/disnix/secrets/missing'))).toBe(false)
    } finally {
      await rm(other, { recursive: true, force: true })
    }
  })
})

/**
 * The models: a wrapper service `db-client` on test1 whose secret dbPassword is `secretFile`, owned by
 * nobody:nogroup. Its activation records the path it got and a digest of what it read there; with
 * /var/state/fail-with-secret it prints the password and fails.
 */
async function writeModels(dir: string, secretFile: string, owner = 'nobody'): Promise<void> {
  await writeFile(join(dir, 'infrastructure.nix'), '{\n  test1 = { properties.hostname = "test1"; };\n}\n')
  await writeFile(join(dir, 'distribution.nix'), '{ infrastructure }:\n\n{\n  db-client = [ infrastructure.test1 ];\n}\n')
  await writeFile(
    join(dir, 'services.nix'),
    `{ system, pkgs, distribution, invDistribution }:

{
  db-client = {
    name = "db-client";
    type = "wrapper";
    secrets.dbPassword = { file = ${JSON.stringify(secretFile)}; owner = ${JSON.stringify(owner)}; group = "nogroup"; };
    pkg = pkgs.writeTextFile {
      name = "db-client";
      executable = true;
      destination = "/bin/wrapper";
      text = ''
        #!/bin/sh
        if [ "$1" = activate ]; then
          if [ -e /var/state/fail-with-secret ]; then
            echo "cannot connect with password $(cat "$dbPassword")" >&2
            exit 1
          fi
          echo "$dbPassword" > /var/state/secret-path
          cksum < "$dbPassword" > /var/state/secret-digest
        fi
      '';
    };
  };
}
`,
  )
  await chmod(join(dir, 'services.nix'), 0o644)
}
