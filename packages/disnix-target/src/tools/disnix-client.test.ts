import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { buildTestClosure, isRoot, nixTestEnv, runBin, suiteDir, runsHere, rootPrecondition } from '@disnix-ts/test-utils'
import { describeClientInterface } from '@disnix-ts/interface-conformance'
import { startServiceProcess, type ServiceProcess } from '../service-process.js'
import { writeTestModules } from '@disnix-ts/interface-conformance'

describeClientInterface('disnix-client + disnix-service', async (scenario) => {
  const tmpdir = join(scenario.dir, 'tmp')
  await mkdir(tmpdir)
  const service = await startServiceProcess({
    socket: join(scenario.dir, 'run', 'service.sock'),
    logDir: join(scenario.dir, 'log'),
    env: { ...scenario.env, TMPDIR: tmpdir },
  })
  return {
    tmpdir,
    logDir: join(scenario.dir, 'log'),
    run: (args) => runBin('disnix-client', ['--socket', service.socket, ...args], { env: nixTestEnv() }),
    stop: () => service.stop(),
  }
})

describe('disnix-service and disnix-client', () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  let statedir: string

  beforeAll(async () => {
    dir = await suiteDir('disnix-service-')
    // Other users must be able to reach the socket dir to be refused by the socket's own mode.
    await chmod(dir, 0o755)
    statedir = join(dir, 'state')
    await mkdir(statedir)
    env = { ...nixTestEnv(), TMPDIR: dir, DYSNOMIA_STATEDIR: statedir, DYSNOMIA_MODULES_PATH: await writeTestModules(dir) }
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  const client = (socket: string, args: string[], extra: { uid?: string } = {}) =>
    extra.uid === undefined
      ? runBin('disnix-client', ['--socket', socket, ...args], { env: nixTestEnv() })
      : execa('setpriv', ['--reuid', extra.uid, '--regid', extra.uid === 'nobody' ? 'nogroup' : extra.uid, '--clear-groups', join(process.cwd(), 'bin', 'disnix-client'), '--socket', socket, ...args], {
          reject: false,
          stripFinalNewline: false,
          env: { PATH: process.env.PATH, HOME: '/' },
          extendEnv: false,
        })

  test('job ids number the log files, with the original headers, and continue after a restart', async () => {
    const closure = await buildTestClosure()
    const logDir = join(dir, 'numbering', 'log')
    const socket = join(dir, 'numbering', 'service.sock')
    let service: ServiceProcess | undefined = await startServiceProcess({ socket, logDir, env })
    try {
      expect((await client(socket, ['--print-invalid', closure.service])).exitCode).toBe(0)
      expect((await client(socket, ['--activate', '--type', 'recorder', '--arguments', 'foo=bar', closure.service])).exitCode).toBe(0)
      const lock = await client(socket, ['--lock', '--profile', 'numbering'])
      expect(lock.exitCode).toBe(0)
      expect((await readdir(logDir)).sort()).toEqual(['0', '1', '2'])
      expect(await readFile(join(logDir, '0'), 'utf8')).toBe(`Print invalid: ${closure.service} \n`)
      const activateLog = await readFile(join(logDir, '1'), 'utf8')
      expect(activateLog.split('\n')[0]).toBe(`activate: ${closure.service} of type: recorder in container: recorder with arguments: foo=bar `)
      expect(await readFile(join(logDir, '2'), 'utf8')).toBe('Acquiring lock on profile: numbering\n')
      expect(service.output()).toMatch(/Assigned job id: 0\nAssigned job id: 1\nAssigned job id: 2\n/)
      await service.stop()
      service = await startServiceProcess({ socket, logDir, env })
      expect((await client(socket, ['--unlock', '--profile', 'numbering'])).exitCode).toBe(0)
      expect(await readFile(join(logDir, '3'), 'utf8')).toBe('Releasing lock on profile: numbering\n')
    } finally {
      await service?.stop()
    }
  })

  test('a fresh log dir starts at 0, an existing empty one at 1', async () => {
    const closure = await buildTestClosure()
    const logDir = join(dir, 'empty-log')
    await mkdir(logDir)
    const socket = join(dir, 'empty.sock')
    const service = await startServiceProcess({ socket, logDir, env })
    try {
      expect((await client(socket, ['--print-invalid', closure.service])).exitCode).toBe(0)
      expect(await readdir(logDir)).toEqual(['1'])
    } finally {
      await service.stop()
    }
  })

  test('a failed job copies its log to stderr and exits 1', async () => {
    const closure = await buildTestClosure()
    const logDir = join(dir, 'failing-log')
    const socket = join(dir, 'failing.sock')
    const service = await startServiceProcess({ socket, logDir, env })
    try {
      const result = await client(socket, ['--activate', '--type', 'failing', closure.service])
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toBe('')
      const log = await readFile(join(logDir, '0'), 'utf8')
      expect(result.stderr).toBe(log)
      expect(log).toMatch(new RegExp(`^activate: ${closure.service} of type: failing in container: failing with arguments: \\n`))
      expect(log).toMatch(/failing module: activate refused/)
      expect(log).toMatch(/failed \(exit status/)
    } finally {
      await service.stop()
    }
  })

  test('--shell is unsupported; an unreachable service is reported', async () => {
    expect(await runBin('disnix-client', ['--socket', join(dir, 'none.sock'), '--shell', '--type', 'echo', '/nix/store/x'])).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: 'ERROR: This operation is unsupported by this client!\n',
    })
    const unreachable = await runBin('disnix-client', ['--socket', join(dir, 'none.sock'), '--print-invalid', '/nix/store/x'])
    expect(unreachable.exitCode).toBe(1)
    expect(unreachable.stderr).toMatch(/^Cannot connect to the Disnix service at .*none\.sock! Is disnix-service running\?\n/)
    const viaEnv = await runBin('disnix-client', ['--print-invalid', '/nix/store/x'], { env: { DISNIX_SERVICE_SOCKET: join(dir, 'env.sock') } })
    expect(viaEnv.stderr).toMatch(/env\.sock/)
  })

  test.runIf(runsHere(rootPrecondition(), 'root'))('a user outside the group is refused; a member of the group is served', async () => {
    const closure = await buildTestClosure()
    const socketDir = join(dir, 'access')
    await mkdir(socketDir, { mode: 0o755 })
    const rootOnly = await startServiceProcess({ socket: join(socketDir, 'root.sock'), logDir: join(dir, 'access-log1'), env, args: ['--group', 'disnix-ts-no-such-group'] })
    try {
      expect(rootOnly.output()).toMatch(/mode 0600: only its owner can deploy, because group disnix-ts-no-such-group does not exist/)
      expect((await stat(rootOnly.socket)).mode & 0o777).toBe(0o600)
      const refused = await client(rootOnly.socket, ['--print-invalid', closure.service], { uid: 'nobody' })
      expect(refused.exitCode).toBe(1)
      expect(refused.stderr).toMatch(/permission denied: you are not root and not in the disnix group\nhint: ask an administrator to add you to the disnix group/)
      expect((await client(rootOnly.socket, ['--print-invalid', '/nix/store/00000000000000000000000000000000-x'])).stdout).toBe(
        '/nix/store/00000000000000000000000000000000-x\n',
      )
    } finally {
      await rootOnly.stop()
    }
    const grouped = await startServiceProcess({ socket: join(socketDir, 'group.sock'), logDir: join(dir, 'access-log2'), env, args: ['--group', 'nogroup'] })
    try {
      expect((await stat(grouped.socket)).mode & 0o777).toBe(0o660)
      const served = await client(grouped.socket, ['--print-invalid', '/nix/store/00000000000000000000000000000000-x'], { uid: 'nobody' })
      expect(served.stderr).toBe('')
      expect(served.stdout).toBe('/nix/store/00000000000000000000000000000000-x\n')
    } finally {
      await grouped.stop()
    }
    expect(existsSync(join(socketDir, 'group.sock'))).toBe(false)
  })

  test.runIf(runsHere(rootPrecondition(), 'root'))('job logs are 0640 with the service group in a 0750 dir, and show secret property values as ***', async () => {
    const closure = await buildTestClosure()
    const secret = 'K0wn-Secret-42'
    const logDir = join(dir, 'secret-log')
    // A log dir left world-readable by an older version is tightened (it exists: job ids start at 1).
    await mkdir(logDir, { mode: 0o755 })
    await chmod(logDir, 0o755)
    const socket = join(dir, 'secret.sock')
    const service = await startServiceProcess({ socket, logDir, env: { ...env, DISNIX_SECRET_PROPERTIES: 'pin' }, args: ['--group', 'nogroup'] })
    try {
      const activate = await client(socket, ['--activate', '--type', 'recorder', '--arguments', `dbPassword=${secret}`, '--arguments', 'foo=bar', '--arguments', 'simPin=1234', closure.service])
      expect(activate.exitCode, activate.stderr).toBe(0)
      const failed = await client(socket, ['--activate', '--type', 'failing', '--arguments', `apiToken=${secret}`, closure.service])
      expect(failed.exitCode).toBe(1)
      for (const output of [activate.stdout, activate.stderr, failed.stdout, failed.stderr, service.output()]) expect(output).not.toContain(secret)
      expect((await stat(logDir)).mode & 0o777).toBe(0o750)
      const gid = 65534
      expect((await stat(logDir)).gid).toBe(gid)
      for (const name of await readdir(logDir)) {
        const info = await stat(join(logDir, name))
        expect(info.mode & 0o777, name).toBe(0o640)
        expect(info.gid, name).toBe(gid)
        const text = await readFile(join(logDir, name), 'utf8')
        expect(text).not.toContain(secret)
        expect(text).not.toContain('1234')
      }
      expect((await readFile(join(logDir, '1'), 'utf8')).split('\n')[0]).toBe(
        `activate: ${closure.service} of type: recorder in container: recorder with arguments: dbPassword=*** foo=bar simPin=*** `,
      )
      expect((await readFile(join(logDir, '2'), 'utf8')).split('\n')[0]).toBe(`activate: ${closure.service} of type: failing in container: failing with arguments: apiToken=*** `)
      // The module itself still receives the value.
      expect(await readFile(join(statedir, 'recorder.log'), 'utf8')).toContain(`activate ${closure.service} recorder foo=bar`)
    } finally {
      await service.stop()
    }
  })

  test('--daemon detaches, writes the PID file, refuses a second start, and SIGTERM cleans up', async () => {
    const base = join(dir, 'daemon')
    await mkdir(base)
    const args = ['--daemon', '--socket', join(base, 's.sock'), '--log-dir', join(base, 'log'), '--pid-file', join(base, 'pid'), '--log-file', join(base, 'general.log')]
    const started = await runBin('disnix-service', args, { env })
    expect(started.exitCode).toBe(0)
    expect(started.stderr).toMatch(/^The Disnix service is running! \(PID \d+/)
    const pid = Number((await readFile(join(base, 'pid'), 'utf8')).trim())
    try {
      expect((await client(join(base, 's.sock'), ['--print-invalid', '/nix/store/00000000000000000000000000000000-x'])).exitCode).toBe(0)
      const second = await runBin('disnix-service', args, { env })
      expect(second.exitCode).toBe(1)
      expect(second.stderr).toMatch(/could not be started/)
      expect(await readFile(join(base, 'general.log'), 'utf8')).toMatch(/Cannot create PID file: .*pid already exists/)
    } finally {
      process.kill(pid, 'SIGTERM')
    }
    for (let i = 0; i < 100 && existsSync(join(base, 'pid')); i++) await new Promise((r) => setTimeout(r, 50))
    expect(existsSync(join(base, 'pid'))).toBe(false)
    expect(existsSync(join(base, 's.sock'))).toBe(false)
    expect(await readFile(join(base, 'general.log'), 'utf8')).toMatch(/The Disnix service is running!\nAssigned job id: 0\n/)
  })

  test('disnix-tmpfile creates files and directories in TMPDIR, creating it', async () => {
    const tmp = join(dir, 'new-tmp')
    const file = await runBin('disnix-tmpfile', [], { env: { TMPDIR: tmp } })
    expect(file.exitCode).toBe(0)
    expect(file.stdout).toMatch(new RegExp(`^${tmp}/tmp\\.[A-Za-z0-9]{10}\\n$`))
    expect((await stat(file.stdout.trim())).isFile()).toBe(true)
    const directory = await runBin('disnix-tmpfile', ['--directory'], { env: { TMPDIR: tmp } })
    expect((await stat(directory.stdout.trim())).isDirectory()).toBe(true)
    await writeFile(join(directory.stdout.trim(), 'x'), '')
  })
})
