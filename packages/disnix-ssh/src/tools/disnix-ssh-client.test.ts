import { createHash, randomBytes } from 'node:crypto'
import { chmod, copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, runBin, suiteDir, testDir, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const FAKE_RC = join(installRoot(), 'packages', 'disnix-ssh', 'fixtures', 'fake-remote-client', 'rc')
const NASTY = ['a b', "it's", '"dq"', '$(touch /tmp/pwned)', '`id`', 'line1\nline2', '*', '; rm -rf /', '\\back', '', '--', '-x', 'tab\there']

describe('disnix-ssh-client argument checks', () => {
  test('a missing --target is refused before connecting', async () => {
    const r = await runBin('disnix-ssh-client', ['--print-invalid', '/nix/store/x'])
    expect(r).toEqual({ stdout: '', stderr: 'ERROR: A target address must be specified!\n', exitCode: 1 })
  })
  test('a missing operation is refused', async () => {
    const r = await runBin('disnix-ssh-client', ['--target', 'somewhere'])
    expect(r).toEqual({ stdout: '', stderr: 'ERROR: No operation specified!\n', exitCode: 1 })
  })
  test('an activity without --type is refused', async () => {
    const r = await runBin('disnix-ssh-client', ['--target', 'somewhere', '--activate', '/nix/store/x'])
    expect(r).toEqual({ stdout: '', stderr: 'ERROR: A type must be specified!\n', exitCode: 1 })
  })
  test('an import without --localfile or --remotefile is refused', async () => {
    const r = await runBin('disnix-ssh-client', ['--target', 'somewhere', '--import', '/tmp/x'])
    expect(r).toEqual({ stdout: '', stderr: 'ERROR: Either a remote or a localfile must be specified!\n', exitCode: 1 })
  })
  test('an unsupported ssh option in SSH_OPTS is named', async () => {
    const r = await runBin('disnix-ssh-client', ['--target', 'somewhere', '--lock'], { env: { SSH_OPTS: '-J jump' } })
    expect(r).toEqual({ stdout: '', stderr: 'ERROR: SSH_OPTS: option -J is not supported by disnix-ssh-client\n', exitCode: 1 })
  })
  test('--help documents the environment', async () => {
    const r = await runBin('disnix-ssh-client', ['--help'])
    expect(r.exitCode).toBe(0)
    for (const word of ['SSH_USER', 'SSH_OPTS', 'DISNIX_REMOTE_CLIENT', 'DISNIX_SSH_PERSIST', 'TMPDIR', '--export-snapshots', '--arguments']) {
      expect(r.stdout).toContain(word)
    }
  })
})

const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the disnix-ssh-client network tests: ${support.reason}`)

describe.runIf(runsHere(support, 'a test network'))('disnix-ssh-client on a test network', () => {
  let net: Testnet
  let runtimeDir: string
  let localTmp: string
  const T1 = 'sshtest1'
  const T2 = 'sshtest2'
  const root = (name: string): string => net.targets.find((t) => t.name === name)!.root
  // ssh records host keys under the HostName it connects to; the testnet config maps names to addresses.
  const address = (name: string): string => net.targets.find((t) => t.name === name)!.address

  beforeAll(async () => {
    net = await startTestnet({ targets: [T1, T2] })
    runtimeDir = await suiteDir('disnix-ssh-runtime-')
    localTmp = await suiteDir('disnix-ssh-tmp-')
    for (const t of [T1, T2]) {
      await mkdir(join(root(t), 'tmp', 'fake'), { recursive: true })
      await copyFile(FAKE_RC, join(root(t), 'tmp', 'fake', 'rc'))
      await chmod(join(root(t), 'tmp', 'fake', 'rc'), 0o755)
    }
  })
  afterAll(async () => {
    await stopMasters(runtimeDir)
    await net?.down()
    await rm(runtimeDir, { recursive: true, force: true })
    await rm(localTmp, { recursive: true, force: true })
  })

  /** Runs the built tool against the test network; masters live in this suite's runtime dir. */
  const client = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runBin('disnix-ssh-client', args, {
      env: { SSH_OPTS: net.sshOpts, XDG_RUNTIME_DIR: runtimeDir, TMPDIR: localTmp, DISNIX_REMOTE_CLIENT: '/tmp/fake/rc', DISNIX_SSH_PERSIST: '30', ...env },
    })
  const lastArgv = async (target: string): Promise<string[]> => {
    const text = await readFile(join(root(target), 'tmp', 'fake', 'last.argv'), 'utf8')
    return text.split('\0').slice(0, -1)
  }
  const remoteTempFiles = async (target: string): Promise<string[]> => (await readdir(join(root(target), 'tmp'))).filter((f) => f.startsWith('disnix.') || f.startsWith('tmp.'))

  test.each([
    [['--print-invalid', '/nix/store/a', '/nix/store/b'], ['--print-invalid', '/nix/store/a', '/nix/store/b']],
    [['-r', '/nix/store/x.drv'], ['--realise', '/nix/store/x.drv']],
    [['--query-requisites', '/nix/store/a'], ['--query-requisites', '/nix/store/a']],
    [['--set', '-p', 'my profile', '/nix/store/m'], ['--set', '--profile', 'my profile', '/nix/store/m']],
    [['--set', '/nix/store/m'], ['--set', '/nix/store/m']],
    [['-q'], ['--query-installed']],
    [['--query-installed', '--profile', 'p'], ['--query-installed', '--profile', 'p']],
    [['--collect-garbage', '-d'], ['--collect-garbage', '-d']],
    [['--collect-garbage'], ['--collect-garbage']],
    [['--lock', '-p', 'x'], ['--lock', '--profile', 'x']],
    [['--unlock'], ['--unlock']],
    [['--activate', '--type', 'echo', '--arguments', 'a=b c', '--arguments', 'd=e', '/nix/store/s'], ['--activate', '--type', 'echo', '--container', 'echo', '--arguments', 'a=b c', '--arguments', 'd=e', '/nix/store/s']],
    [['--deactivate', '--type', 'process', '-C', 'box', '/nix/store/s'], ['--deactivate', '--type', 'process', '--container', 'box', '/nix/store/s']],
    [['--snapshot', '--type', 't', '/nix/store/s'], ['--snapshot', '--type', 't', '--container', 't', '/nix/store/s']],
    [['--restore', '--type', 't', '/nix/store/s'], ['--restore', '--type', 't', '--container', 't', '/nix/store/s']],
    [['--delete-state', '--type', 't', '/nix/store/s'], ['--delete-state', '--type', 't', '--container', 't', '/nix/store/s']],
    [['--query-all-snapshots', '-C', 'c', '-c', 'x'], ['--query-all-snapshots', '--container', 'c', '--component', 'x']],
    [['--query-latest-snapshot', '-C', 'c'], ['--query-latest-snapshot', '--container', 'c']],
    [['--print-missing-snapshots', 'c/x/1', 'c/x/2'], ['--print-missing-snapshots', 'c/x/1', 'c/x/2']],
    [['--resolve-snapshots', 'c/x/1'], ['--resolve-snapshots', 'c/x/1']],
    [['--clean-snapshots', '--keep', '3', '-C', 'c', '-c', 'x'], ['--clean-snapshots', '--keep', '3', '--container', 'c', '--component', 'x']],
    [['--clean-snapshots'], ['--clean-snapshots', '--keep', '1']],
    [['--import', '--remotefile', '/tmp/given'], ['--import', '/tmp/given']],
    [['--import-snapshots', '--remotefile', '-C', 'c', '-c', 'x', '/var/state/s1'], ['--import-snapshots', '--container', 'c', '--component', 'x', '/var/state/s1']],
  ])('forwards %j as the remote argv %j', async (args, remote) => {
    const r = await client(['--target', T1, ...args])
    expect(r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
    expect(await lastArgv(T1)).toEqual(remote)
  })

  test('arguments with spaces, quotes, $(...) and newlines arrive untouched', async () => {
    const r = await client(['--target', T2, '--print-invalid', '--', ...NASTY])
    expect(r.exitCode).toBe(0)
    expect(await lastArgv(T2)).toEqual(['--print-invalid', ...NASTY])
    expect(r.stdout).toBe(['--print-invalid', ...NASTY].map((a) => `${a}\0`).join(''))
    expect(await readdir(join(root(T2), 'tmp'))).not.toContain('pwned')
  })

  test('SSH_USER and a target port are honoured', async () => {
    const r = await client(['--target', `${T1}:22`, '--unlock'], { SSH_USER: 'root' })
    expect(r.exitCode).toBe(0)
    const wrongUser = await client(['--target', T1, '--unlock'], { SSH_USER: 'nobody', DISNIX_SSH_PERSIST: '0' })
    expect(wrongUser.exitCode).toBe(255)
    expect(wrongUser.stderr).toContain(`[target: ${T1}]: authentication failed for user 'nobody'`)
  })

  test('a failing remote command shows its stderr and passes on its exit status', async () => {
    const r = await client(['--target', T1, '--print-invalid', '@fail'])
    expect(r).toEqual({ stdout: '', stderr: 'fake remote client: failing as asked\n', exitCode: 3 })
  })

  test('--import --localfile streams the file into a remote temp file that is removed afterwards', async () => {
    const dir = await testDir()
    const file = join(dir, 'closure with space')
    const data = randomBytes(64 * 1024 * 1024)
    await writeFile(file, data)
    for (const persist of ['30', '0']) {
      await rm(join(root(T1), 'tmp', 'fake', 'imported.sha256'), { force: true })
      const r = await client(['--target', T1, '--import', '--localfile', file], { DISNIX_SSH_PERSIST: persist })
      expect(r).toEqual({ stdout: '', stderr: '', exitCode: 0 })
      expect((await readFile(join(root(T1), 'tmp', 'fake', 'imported.sha256'), 'utf8')).trim()).toBe(sha256(data))
      const argv = await lastArgv(T1)
      expect(argv[0]).toBe('--import')
      expect(argv[1]).toMatch(/^\/tmp\/tmp\.|^\/tmp\/disnix\./)
    }
    expect(await remoteTempFiles(T1)).toEqual([])
  })

  test('--export --remotefile streams the closure into a local temp file and prints its path', async () => {
    const data = randomBytes(64 * 1024 * 1024)
    await writeFile(join(root(T2), 'tmp', 'fake', 'export-source'), data)
    try {
      for (const persist of ['30', '0']) {
        const r = await client(['--target', T2, '--export', '--remotefile', '/nix/store/a', '/nix/store/b'], { DISNIX_SSH_PERSIST: persist })
        expect(r.stderr).toBe('')
        expect(r.exitCode).toBe(0)
        const local = r.stdout.trim()
        expect(local.startsWith(`${localTmp}/`)).toBe(true)
        expect(sha256(await readFile(local))).toBe(sha256(data))
        await rm(local)
      }
      expect(await lastArgv(T2)).toEqual(['--export', '/nix/store/a', '/nix/store/b'])
      expect(await remoteTempFiles(T2)).toEqual([])
    } finally {
      await rm(join(root(T2), 'tmp', 'fake', 'export-source'))
    }
  })

  test('--export --localfile prints the remote file (QUIRK 4: the original prints nothing)', async () => {
    const r = await client(['--target', T1, '--export', '--localfile', '/nix/store/a'])
    expect(r.exitCode).toBe(0)
    const remote = r.stdout.trim()
    expect(remote).toMatch(/^\/tmp\/disnix\./)
    expect(await readFile(join(root(T1), remote), 'utf8')).toBe('closure of --export /nix/store/a\n')
    await rm(join(root(T1), remote))
  })

  test('--capture-config prints the expression and removes the remote file', async () => {
    const r = await client(['--target', T1, '--capture-config'])
    expect(r).toEqual({ stdout: '{ infrastructure = "captured"; }\n', stderr: '', exitCode: 0 })
    expect(await remoteTempFiles(T1)).toEqual([])
  })

  test('snapshots stream both ways as directories', async () => {
    const dir = await testDir()
    const snap = join(dir, 'snap $(x) 1')
    await mkdir(join(snap, 'sub'), { recursive: true })
    await writeFile(join(snap, 'sub', 'dump'), 'state data\n')
    const up = await client(['--target', T2, '--import-snapshots', '--localfile', '-C', 'c', '-c', 'x', snap])
    expect(up).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    const argv = await lastArgv(T2)
    expect(argv.slice(0, 5)).toEqual(['--import-snapshots', '--container', 'c', '--component', 'x'])
    // unpacked next to the target's snapshot store (DYSNOMIA_STATEDIR defaults to /var/state/dysnomia)
    expect(argv[5]).toMatch(/^\/var\/state\/dysnomia\/tmp\/tmp\.[^/]+\/snap \$\(x\) 1$/)
    expect(await readFile(join(root(T2), 'tmp', 'fake', 'snapshots', 'snap $(x) 1', 'sub', 'dump'), 'utf8')).toBe('state data\n')
    expect(await remoteTempFiles(T2)).toEqual([])
    expect(await readdir(join(root(T2), 'var', 'state', 'dysnomia', 'tmp'))).toEqual([])

    const down = await client(['--target', T2, '--export-snapshots', '/tmp/fake/snapshots/snap $(x) 1'])
    expect(down.stderr).toBe('')
    expect(down.exitCode).toBe(0)
    const local = down.stdout.trim()
    expect(await readFile(join(local, 'snap $(x) 1', 'sub', 'dump'), 'utf8')).toBe('state data\n')
  })

  test('--shell runs disnix-run-activity on a pseudo-terminal and passes on its exit status', async () => {
    const ok = await client(['--target', T1, '--shell', '--type', 'echo', '--command', 'echo "from $(tty | cut -c1-8)"; exit 0', '/tmp/fake'])
    expect(ok.stdout).toContain('This is the echo shell session')
    expect(ok.stdout).toContain('from /dev/pts')
    expect(ok.exitCode).toBe(0)
    const failing = await client(['--target', T1, '--shell', '--type', 'echo', '--command', 'exit 7', '/tmp/fake'])
    expect(failing.exitCode).toBe(7)
  })

  test('the connection is shared: later invocations reuse the master connection', async () => {
    const env = { XDG_RUNTIME_DIR: await testDir('disnix-ssh-share-') }
    const accepted = async () => ((await readFile(join(root(T2), 'var', 'log', 'sshd.log'), 'utf8')).match(/Accepted publickey/g) ?? []).length
    const before = await accepted()
    for (let i = 0; i < 5; i++) expect((await client(['--target', T2, '--unlock'], env)).exitCode).toBe(0)
    expect(await accepted()).toBe(before + 1)
    const status = await client(['--target', T2, '--master-status'], env)
    expect(status.exitCode).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ connects: 1, commands: 5, connected: true })
    await stopMasters(env.XDG_RUNTIME_DIR)
  })

  test('the master reconnects once after the target drops the connection', async () => {
    const env = { XDG_RUNTIME_DIR: await testDir('disnix-ssh-drop-') }
    expect((await client(['--target', T1, '--unlock'], env)).exitCode).toBe(0)
    // Kill the sshd session processes (not the listener) in the target.
    await net.exec(T1, ['sh', '-c', 'for p in $(pgrep -f "sshd: root"); do kill $p; done'])
    const r = await client(['--target', T1, '--unlock'], env)
    expect(r).toEqual({ stdout: '--unlock\0', stderr: '', exitCode: 0 })
    expect(JSON.parse((await client(['--target', T1, '--master-status'], env)).stdout)).toMatchObject({ connects: 2 })
    await stopMasters(env.XDG_RUNTIME_DIR)
  })

  test('an idle master exits after DISNIX_SSH_PERSIST seconds and removes its socket', async () => {
    const runtime = await testDir('disnix-ssh-idle-')
    const env = { XDG_RUNTIME_DIR: runtime, DISNIX_SSH_PERSIST: '2' }
    expect((await client(['--target', T1, '--unlock'], env)).exitCode).toBe(0)
    const sockets = async () => (await readdir(join(runtime, 'disnix-ssh'))).filter((n) => n.endsWith('.sock'))
    await waitFor(async () => (await sockets()).length === 0, 30_000)
    const gone = await client(['--target', T1, '--master-status'], env)
    expect(gone).toEqual({ stdout: '', stderr: `[target: ${T1}]: no connection-sharing master is running\n`, exitCode: 1 })
  })

  test('the socket of a killed master is replaced by a new master', async () => {
    const env = { XDG_RUNTIME_DIR: await testDir('disnix-ssh-stale-') }
    expect((await client(['--target', T1, '--unlock'], env)).exitCode).toBe(0)
    const first = JSON.parse((await client(['--target', T1, '--master-status'], env)).stdout) as { pid: number; socket: string }
    process.kill(first.pid, 'SIGKILL')
    await waitFor(async () => !processAlive(first.pid), 10_000)
    expect((await readdir(join(env.XDG_RUNTIME_DIR, 'disnix-ssh'))).filter((n) => n.endsWith('.sock'))).toHaveLength(1)
    expect(await client(['--target', T1, '--unlock'], env)).toEqual({ stdout: '--unlock\0', stderr: '', exitCode: 0 })
    const second = JSON.parse((await client(['--target', T1, '--master-status'], env)).stdout) as { pid: number; socket: string }
    expect(second.pid).not.toBe(first.pid)
    expect(second.socket).toBe(first.socket)
    await stopMasters(env.XDG_RUNTIME_DIR)
  })

  describe('with the real disnix-run-activity on the target', () => {
    test('print-invalid, import of a real closure, set, query-installed and export', async () => {
      const dir = await testDir()
      const pkg = join(dir, 'ssh-e2e-profile')
      await mkdir(pkg)
      await writeFile(join(pkg, 'profilemanifest.xml'), `<manifest version="2">${randomBytes(8).toString('hex')}</manifest>\n`)
      const path = (await execa('nix-store', ['--add', pkg], { env: nixTestEnv() })).stdout.trim()
      const real = { DISNIX_REMOTE_CLIENT: 'disnix-run-activity' }

      expect(await client(['--target', T2, '--print-invalid', path], real)).toEqual({ stdout: `${path}\n`, stderr: '', exitCode: 0 })
      const closure = join(dir, 'closure')
      await execa('sh', ['-c', 'nix-store --export "$1" > "$2"', 'sh', path, closure], { env: nixTestEnv() })
      const imported = await client(['--target', T2, '--import', '--localfile', closure], real)
      expect(imported.exitCode).toBe(0)
      expect(await client(['--target', T2, '--print-invalid', path], real)).toEqual({ stdout: '', stderr: '', exitCode: 0 })
      expect((await net.exec(T2, ['nix-store', '--check-validity', path])).exitCode).toBe(0)
      expect(await remoteTempFiles(T2)).toEqual([])

      expect(await client(['--target', T2, '--set', '-p', 'sshe2e', path], real)).toMatchObject({ stdout: '', exitCode: 0 })
      const q = await client(['--target', T2, '--query-installed', '-p', 'sshe2e'], real)
      expect(q).toEqual({ stdout: await readFile(join(pkg, 'profilemanifest.xml'), 'utf8'), stderr: '', exitCode: 0 })

      const exported = await client(['--target', T2, '--export', '--remotefile', path], real)
      expect(exported.exitCode).toBe(0)
      expect(sha256(await readFile(exported.stdout.trim()))).toBe(sha256(await readFile(closure)))
      expect(await remoteTempFiles(T2)).toEqual([])
    })
  })

  describe('the --serve session of disnix-run-activity', () => {
    const missing = '/nix/store/00000000000000000000000000000000-missing'
    const real = { DISNIX_REMOTE_CLIENT: 'disnix-run-activity' }
    const masterStatus = async (env: NodeJS.ProcessEnv) => JSON.parse((await client(['--target', T1, '--master-status'], env)).stdout) as { connects: number; commands: number; served: number }

    test('a served request given up on a link that stopped answering never runs on the target once the link is back', async () => {
      const env = { ...real, XDG_RUNTIME_DIR: await testDir('disnix-ssh-given-up-') }
      expect((await client(['--target', T2, '--query-installed', '-p', 'nothing-deployed-here'], env)).exitCode).toBe(0)
      await net.linkDown(T2)
      let r
      try {
        // Written into the served session while the link is down: it fails after the keep-alives.
        r = await client(['--target', T2, '--lock', '-p', 'given-up'], env)
      } finally {
        await net.linkUp(T2)
      }
      expect(r.exitCode).not.toBe(0)
      expect(r.stderr).toMatch(/\[target: sshtest2\]: unreachable: /)
      // Long enough for the kernel to retransmit whatever it still held for the given-up connection.
      await new Promise((resolve) => setTimeout(resolve, 15_000))
      expect((await readdir(join(root(T2), 'tmp'))).filter((f) => f.includes('given-up'))).toEqual([])
      await stopMasters(env.XDG_RUNTIME_DIR)
    }, 60_000)

    test('plain calls run in one served session per connection, with the results of a process per call', async () => {
      const env = { ...real, XDG_RUNTIME_DIR: await testDir('disnix-ssh-serve-') }
      const cases = [
        ['--print-invalid', missing],
        ['--query-installed', '-p', 'nothing-deployed-here'],
        ['--activate', '--type', 'echo', missing],
        ['--deactivate', '--type', 'no-such-module', missing],
        ['--query-all-snapshots', '-C', 'no-container'],
        ['--lock', '-p', 'bad/name'],
      ]
      for (const args of cases) {
        const perProcess = await client(['--target', T1, ...args], { ...env, DISNIX_SSH_PERSIST: '0' })
        expect(await client(['--target', T1, ...args], env), args.join(' ')).toEqual(perProcess)
      }
      const component = '/nix/store/00000000000000000000000000000000-serve-echo'
      await mkdir(join(root(T1), component), { recursive: true })
      const activations = await Promise.all(Array.from({ length: 6 }, () => client(['--target', T1, '--activate', '--type', 'echo', component], env)))
      for (const r of activations) {
        expect(r.exitCode).toBe(0)
        expect(r.stdout).toContain(`Echo module: Activate service: ${component}\n`)
      }
      expect(await masterStatus(env)).toMatchObject({ connects: 1, commands: cases.length + 6, served: cases.length + 6 })

      // A served session that dies is replaced by the next call.
      expect((await net.exec(T1, ['pkill', '-f', 'disnix-run-activity --serve'])).exitCode).toBe(0)
      await waitFor(async () => (await net.exec(T1, ['pgrep', '-f', 'disnix-run-activity --serve'])).exitCode !== 0, 10_000)
      expect(await client(['--target', T1, '--print-invalid', missing], env)).toEqual({ stdout: `${missing}\n`, stderr: '', exitCode: 0 })
      expect(await masterStatus(env)).toMatchObject({ connects: 1, served: cases.length + 7 })

      // DISNIX_SSH_SERVE=0: the same master, a remote process for the call.
      expect(await client(['--target', T1, '--print-invalid', missing], { ...env, DISNIX_SSH_SERVE: '0' })).toEqual({ stdout: `${missing}\n`, stderr: '', exitCode: 0 })
      expect(await masterStatus(env)).toMatchObject({ commands: cases.length + 8, served: cases.length + 7 })
      await stopMasters(env.XDG_RUNTIME_DIR)
    })

    test('--import --localfile: the upload is a plain command, the import a served call; the temp file goes either way', async () => {
      const env = { ...real, XDG_RUNTIME_DIR: await testDir('disnix-ssh-serve-import-') }
      const dir = await testDir()
      const pkg = join(dir, 'served-import')
      await mkdir(pkg)
      await writeFile(join(pkg, 'data'), randomBytes(16).toString('hex'))
      const path = (await execa('nix-store', ['--add', pkg], { env: nixTestEnv() })).stdout.trim()
      const closure = join(dir, 'closure')
      await execa('sh', ['-c', 'nix-store --export "$1" > "$2"', 'sh', path, closure], { env: nixTestEnv() })
      expect(await client(['--target', T1, '--import', '--localfile', closure], env)).toMatchObject({ exitCode: 0 })
      expect((await net.exec(T1, ['nix-store', '--check-validity', path])).exitCode).toBe(0)
      // Upload and removal are plain commands; only the import itself runs in the session.
      expect(await masterStatus(env)).toMatchObject({ connects: 1, commands: 3, served: 1 })
      expect(await remoteTempFiles(T1)).toEqual([])

      const broken = join(dir, 'broken')
      await writeFile(broken, 'not a closure')
      const failed = await client(['--target', T1, '--import', '--localfile', broken], env)
      expect(failed.exitCode).not.toBe(0)
      expect(failed.stderr).not.toBe('')
      expect(await remoteTempFiles(T1)).toEqual([])
      await stopMasters(env.XDG_RUNTIME_DIR)
    })

    test('a remote disnix-run-activity that cannot serve gets a process per call', async () => {
      const env = { XDG_RUNTIME_DIR: await testDir('disnix-ssh-noserve-'), DISNIX_REMOTE_CLIENT: '/tmp/older/disnix-run-activity' }
      await mkdir(join(root(T1), 'tmp', 'older'), { recursive: true })
      const older = join(root(T1), 'tmp', 'older', 'disnix-run-activity')
      await writeFile(older, '#!/bin/sh\nif [ "$1" = --serve ]; then echo "disnix-run-activity: unrecognized option \'--serve\'" >&2; exit 1; fi\nexec disnix-run-activity "$@"\n')
      await chmod(older, 0o755)
      for (let i = 0; i < 2; i++) expect(await client(['--target', T1, '--print-invalid', missing], env)).toEqual({ stdout: `${missing}\n`, stderr: '', exitCode: 0 })
      expect(await masterStatus(env)).toMatchObject({ commands: 2, served: 0 })
      const log = (await readdir(join(env.XDG_RUNTIME_DIR, 'disnix-ssh'))).find((n) => n.endsWith('.log'))!
      expect(await readFile(join(env.XDG_RUNTIME_DIR, 'disnix-ssh', log), 'utf8')).toContain("unrecognized option '--serve'")
      await stopMasters(env.XDG_RUNTIME_DIR)
    })
  })

  describe('host keys', () => {
    const opts = (knownHosts: string, extra = '') => `${net.sshOpts} -o UserKnownHostsFile=${knownHosts} ${extra}`
    const hostKeyLine = async () => (await readFile(net.knownHosts, 'utf8')).split('\n').find((l) => l.startsWith(`${T1},`))!

    test('an unknown host key is refused with its fingerprint and how to accept it', async () => {
      const dir = await testDir()
      const r = await client(['--target', T1, '--unlock'], { SSH_OPTS: opts(join(dir, 'empty')) })
      expect(r.exitCode).toBe(255)
      expect(r.stdout).toBe('')
      const fingerprint = (await execa('ssh-keygen', ['-l', '-f', '-'], { input: await hostKeyLine() })).stdout.split(' ')[1]
      expect(r.stderr).toContain(`[target: ${T1}]: the host key of ${address(T1)} is not known (ED25519 key ${fingerprint})`)
      expect(r.stderr).toContain(`hint: verify that fingerprint, then accept the key with: ssh-keyscan ${net.targets[0]!.address} >> ${join(dir, 'empty')}`)
    })

    test('a changed host key is refused, naming the known_hosts file and line', async () => {
      const dir = await testDir()
      const other = join(dir, 'key')
      await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other])
      const fake = `# stale\n${address(T1)} ${(await readFile(`${other}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ')}\n`
      await writeFile(join(dir, 'known_hosts'), fake)
      const r = await client(['--target', T1, '--unlock'], { SSH_OPTS: opts(join(dir, 'known_hosts')) })
      expect(r.exitCode).toBe(255)
      expect(r.stderr).toContain(`[target: ${T1}]: WARNING: the host key of ${address(T1)} has CHANGED`)
      expect(r.stderr).toContain(`does not match ${join(dir, 'known_hosts')}:2`)
      expect(r.stderr).toContain(`hint: if the change is expected, remove the old key with: ssh-keygen -R '${address(T1)}'`)
    })

    test('hashed known_hosts entries are accepted', async () => {
      const dir = await testDir()
      await writeFile(join(dir, 'known_hosts'), `${await hostKeyLine()}\n`)
      await execa('ssh-keygen', ['-H', '-f', join(dir, 'known_hosts')])
      expect(await readFile(join(dir, 'known_hosts'), 'utf8')).toMatch(/^\|1\|/)
      const r = await client(['--target', T1, '--unlock'], { SSH_OPTS: opts(join(dir, 'known_hosts')), DISNIX_SSH_PERSIST: '0' })
      expect(r).toEqual({ stdout: '--unlock\0', stderr: '', exitCode: 0 })
    })

    test('StrictHostKeyChecking=no connects with a warning; accept-new records the key', async () => {
      const dir = await testDir()
      const no = await client(['--target', T1, '--unlock'], { SSH_OPTS: opts(join(dir, 'kh'), '-o StrictHostKeyChecking=no'), DISNIX_SSH_PERSIST: '0' })
      expect(no.exitCode).toBe(0)
      expect(no.stderr).toMatch(new RegExp(`^\\[target: ${T1}\\]: warning: accepting the unverified host key of ${address(T1).replaceAll('.', '\\.')} \\(ED25519 key SHA256:`))
      const add = await client(['--target', T1, '--unlock'], { SSH_OPTS: opts(join(dir, 'kh'), '-oStrictHostKeyChecking=accept-new'), DISNIX_SSH_PERSIST: '0' })
      expect(add.exitCode).toBe(0)
      expect(add.stderr).toContain('warning: permanently added the host key')
      expect(await readFile(join(dir, 'kh'), 'utf8')).toBe(`${(await hostKeyLine()).replace(/^[^ ]+/, address(T1))}\n`)
      const again = await client(['--target', T1, '--unlock'], { SSH_OPTS: opts(join(dir, 'kh')), DISNIX_SSH_PERSIST: '0' })
      expect(again).toEqual({ stdout: '--unlock\0', stderr: '', exitCode: 0 })
    })
  })

  describe('unreachable targets', () => {
    test('an unknown host name fails with a clear message', async () => {
      const r = await client(['--target', 'no-such-host.invalid', '--unlock'], { SSH_OPTS: '-F none' })
      expect(r.exitCode).toBe(255)
      expect(r.stderr).toContain("[target: no-such-host.invalid]: cannot resolve host name 'no-such-host.invalid': unknown host")
    })

    test('a refused connection fails at once, naming the target', async () => {
      await net.stopSshd(T2)
      try {
        for (const persist of ['0', '30']) {
          const r = await client(['--target', T2, '--unlock'], { DISNIX_SSH_PERSIST: persist, XDG_RUNTIME_DIR: await testDir() })
          expect(r).toEqual({ stdout: '', stderr: `[target: ${T2}]: cannot connect to ${net.targets[1]!.address} port 22: connection refused\n`, exitCode: 255 })
        }
      } finally {
        await net.startSshd(T2)
      }
    })

    test('a target whose link is down fails within ConnectTimeout', async () => {
      await net.linkDown(T2)
      try {
        const started = Date.now()
        const r = await client(['--target', T2, '--unlock'], { SSH_OPTS: `${net.sshOpts} -o ConnectTimeout=2`, XDG_RUNTIME_DIR: await testDir() })
        expect(Date.now() - started).toBeLessThan(10_000)
        expect(r).toEqual({ stdout: '', stderr: `[target: ${T2}]: unreachable: cannot connect to ${net.targets[1]!.address} port 22: no answer within 2 s (ConnectTimeout)\n`, exitCode: 255 })
      } finally {
        await net.linkUp(T2)
      }
    })

    test('a shared connection whose link goes down fails within ConnectTimeout, then recovers', async () => {
      const env = { SSH_OPTS: `${net.sshOpts} -o ConnectTimeout=2`, XDG_RUNTIME_DIR: await testDir() }
      expect((await client(['--target', T2, '--unlock'], env)).exitCode).toBe(0)
      await net.linkDown(T2)
      try {
        const started = Date.now()
        const r = await client(['--target', T2, '--unlock'], env)
        expect(Date.now() - started).toBeLessThan(10_000)
        expect(r).toEqual({ stdout: '', stderr: `[target: ${T2}]: unreachable: the connection stopped responding (no answer within 2 s from ${net.targets[1]!.address} port 22)\n`, exitCode: 255 })
      } finally {
        await net.linkUp(T2)
      }
      expect(await client(['--target', T2, '--unlock'], env)).toEqual({ stdout: '--unlock\0', stderr: '', exitCode: 0 })
      await stopMasters(env.XDG_RUNTIME_DIR)
    })
  })
})

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Stops the masters this suite started (by the pids they report). */
async function stopMasters(runtimeDir: string): Promise<void> {
  const { queryMasterStatus } = await import('../open-session.js')
  const dir = join(runtimeDir, 'disnix-ssh')
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names.filter((n) => n.endsWith('.sock'))) {
    const status = await queryMasterStatus(join(dir, name))
    if (status && processAlive(status.pid)) process.kill(status.pid, 'SIGTERM')
  }
}
