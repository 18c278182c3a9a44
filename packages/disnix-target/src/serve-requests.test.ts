import { spawn, type ChildProcess } from 'node:child_process'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Writable } from 'node:stream'
import { CommanderError } from 'commander'
import { commandFor, encodeJsonFrame, errorReport, frameDecoder, installRoot, type Frame } from '@disnix-ts/libmain'
import { runBin, suiteDir, type BinResult } from '@disnix-ts/test-utils'
import { lastOperation, requestFromOptions, SERVE_PROTOCOL, ServeFrameType, type InterfaceRequest, type RequestOptions } from '@disnix-ts/libinterface'
import { describeClientInterface } from '@disnix-ts/interface-conformance'
import { writeTestModules } from '@disnix-ts/interface-conformance'
import { disnixRunActivity } from './tools/disnix-run-activity.js'

/** A running `disnix-run-activity --serve`, spoken to as the SSH master speaks to it. */
interface ServeProcess {
  /** Sends one request (any JSON); resolves with what came back on its channel. */
  send(request: unknown): Promise<BinResult>
  /**
   * Runs a command line of disnix-run-activity as its caller does: read into a request with the tool's
   * own definition (a usage error ends there, as the executable would end), then served.
   */
  run(args: readonly string[]): Promise<BinResult>
  /** Sends raw bytes (protocol errors). */
  write(bytes: Buffer): void
  /** Ends stdin; resolves with the exit status. */
  end(): Promise<number | null>
  hello: Promise<{ version: string; pid: number; protocol: number }>
  child: ChildProcess
}

function startServe(env: NodeJS.ProcessEnv): ServeProcess {
  const child = spawn(join(installRoot(), 'bin', 'disnix-run-activity'), ['--serve'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] })
  const decode = frameDecoder()
  const pending = new Map<number, { stdout: Buffer[]; stderr: Buffer[]; resolve: (r: BinResult) => void }>()
  let hello: (value: { version: string; pid: number; protocol: number }) => void = () => {}
  const helloPromise = new Promise<{ version: string; pid: number; protocol: number }>((resolve) => (hello = resolve))
  let next = 1
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const frame of decode(chunk) as Frame[]) {
      if (frame.channel === 0 && frame.type === ServeFrameType.Hello) {
        hello(JSON.parse(frame.payload.toString()) as { version: string; pid: number; protocol: number })
        continue
      }
      const request = pending.get(frame.channel)!
      if (frame.type === ServeFrameType.Stdout) request.stdout.push(frame.payload)
      else if (frame.type === ServeFrameType.Stderr) request.stderr.push(frame.payload)
      else if (frame.type === ServeFrameType.Exit) {
        pending.delete(frame.channel)
        const { code } = JSON.parse(frame.payload.toString()) as { code: number }
        request.resolve({ stdout: Buffer.concat(request.stdout).toString(), stderr: Buffer.concat(request.stderr).toString(), exitCode: code })
      }
    }
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const send = (request: unknown): Promise<BinResult> =>
    new Promise((resolve) => {
      const channel = next++
      pending.set(channel, { stdout: [], stderr: [], resolve })
      child.stdin!.write(encodeJsonFrame(channel, ServeFrameType.Request, request))
    })
  return {
    child,
    hello: helloPromise,
    send,
    run: (args) => {
      // The command line is read at once (the request must be on its way before a caller ends stdin).
      const out: string[] = []
      const err: string[] = []
      let parsed: { request: InterfaceRequest } | { failure: unknown } | undefined
      const command = commandFor(disnixRunActivity, { stdout: collect(out), stderr: collect(err), main: false }, async ({ opts, args: [paths] }) => {
        try {
          parsed = { request: requestFromOptions(lastOperation(opts as RequestOptions), opts as RequestOptions, paths as string[], { checkProfile: true }) }
        } catch (failure) {
          parsed = { failure }
        }
      })
      try {
        command.parse([...args], { from: 'user' })
      } catch (error) {
        // An option whose value the protocol refuses (a profile name) fails the parse with its DisnixError.
        if (error instanceof CommanderError) return Promise.resolve({ stdout: out.join(''), stderr: err.join(''), exitCode: error.exitCode })
        parsed = { failure: error }
      }
      if (parsed === undefined) throw new Error('the command line did not reach its action')
      if ('failure' in parsed) {
        const report = errorReport(disnixRunActivity, parsed.failure)
        return Promise.resolve({ stdout: '', stderr: report.text, exitCode: report.exitStatus })
      }
      return send(parsed.request)
    },
    write: (bytes) => void child.stdin!.write(bytes),
    end: () => {
      child.stdin!.end()
      return exited
    },
  }
}

describeClientInterface('disnix-run-activity --serve', async (scenario) => {
  const tmpdir = join(scenario.dir, 'tmp')
  await mkdir(tmpdir)
  const serve = startServe({ ...scenario.env, TMPDIR: tmpdir })
  await serve.hello
  return { tmpdir, run: (args) => serve.run(args), stop: async () => void (await serve.end()) }
})

describe('disnix-run-activity --serve', () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  let serve: ServeProcess
  const component = (name: string) => join(dir, 'components', name)

  beforeAll(async () => {
    dir = await suiteDir('disnix-serve-')
    const modules = await writeTestModules(dir)
    // Talks on both streams, takes $SLEEP seconds, exits with $EXIT_WITH (container properties).
    await writeFile(join(modules, 'talker'), '#!/bin/sh\necho "talker: $1 $(basename "$2")"\nsleep "${SLEEP:-0}"\necho "talker: done $(basename "$2")" >&2\nexit "${EXIT_WITH:-0}"\n')
    await chmod(join(modules, 'talker'), 0o755)
    for (const name of ['fast', 'slow', 'failing']) await mkdir(component(name), { recursive: true })
    env = { TMPDIR: dir, DYSNOMIA_STATEDIR: join(dir, 'state'), DYSNOMIA_MODULES_PATH: modules }
    serve = startServe(env)
  })
  afterAll(async () => {
    await serve?.end()
  })

  test('says hello with its version, pid and protocol first', async () => {
    expect(await serve.hello).toMatchObject({ pid: serve.child.pid, protocol: SERVE_PROTOCOL })
  })

  test.each([
    ['a successful activity', ['--activate', '--type', 'talker', 'COMPONENT:fast']],
    ['a failing activity keeps the module status', ['--activate', '--type', 'talker', '--arguments', 'EXIT_WITH=4', 'COMPONENT:failing']],
    ['a missing component', ['--deactivate', '--type', 'talker', '/nix/store/00000000000000000000000000000000-gone']],
    ['an unknown module', ['--activate', '--type', 'no-such-module', 'COMPONENT:fast']],
    ['an unlock without a lock', ['--unlock', '--profile', 'serve-test-none']],
    ['a missing type', ['--activate', 'COMPONENT:fast']],
    ['no operation', []],
    ['an unknown option', ['--bogus']],
    ['an invalid profile name', ['--lock', '--profile', '../x']],
    ['the version', ['--version']],
    ['the help text', ['--help']],
  ])('%s: the same output and exit status as the executable', async (_what, template) => {
    const args = template.map((a) => (a.startsWith('COMPONENT:') ? component(a.slice('COMPONENT:'.length)) : a))
    const served = await serve.run(args)
    const executable = await runBin('disnix-run-activity', args, { env })
    expect(served).toEqual(executable)
  })

  test('requests run at once, each with its own output and status', async () => {
    const slow = serve.run(['--activate', '--type', 'talker', '--arguments', 'SLEEP=1', '--arguments', 'EXIT_WITH=5', component('slow')])
    const fast = serve.run(['--activate', '--type', 'talker', component('fast')])
    const order: string[] = []
    const results = await Promise.all([slow.then((r) => (order.push('slow'), r)), fast.then((r) => (order.push('fast'), r))])
    expect(order).toEqual(['fast', 'slow'])
    expect(results[0]).toEqual({ stdout: 'talker: activate slow\n', stderr: expect.stringContaining('talker: done slow\n') as string, exitCode: 5 })
    expect(results[1]).toEqual({ stdout: 'talker: activate fast\n', stderr: 'talker: done fast\n', exitCode: 0 })
  })

  test('the shell is refused; requests are checked where they enter', async () => {
    expect(await serve.run(['--shell', '--type', 'talker', component('fast')])).toEqual({
      stdout: '',
      stderr: 'ERROR: --shell needs a terminal and cannot be served\n',
      exitCode: 1,
    })
    expect(await serve.send({ argv: ['--serve'] })).toEqual({ stdout: '', stderr: 'disnix-run-activity --serve: Invalid request: unknown operation: undefined\n', exitCode: 1 })
    expect(await serve.send({ op: 'activate', component: component('fast'), container: 'talker', arguments: [] })).toEqual({
      stdout: '',
      stderr: "disnix-run-activity --serve: Invalid request: type must be a non-empty string that does not start with '-'\n",
      exitCode: 1,
    })
    expect(await serve.send({ op: 'print-invalid', paths: ['--delete'] })).toMatchObject({ exitCode: 1, stdout: '' })
    // Where a profile name becomes a file name it is checked, as by the command line.
    expect(await serve.send({ op: 'lock', profile: '../x' })).toEqual({ stdout: '', stderr: 'ERROR: Invalid profile name: "../x"\n', exitCode: 1 })
  })

  test('a request without a profile uses DISNIX_PROFILE of the session, as the executable does', async () => {
    const own = startServe({ ...env, DISNIX_PROFILE: 'serve-test-env-profile' })
    await own.hello
    expect(await own.send({ op: 'unlock' })).toEqual(await runBin('disnix-run-activity', ['--unlock'], { env: { ...env, DISNIX_PROFILE: 'serve-test-env-profile' } }))
    expect((await own.send({ op: 'unlock' })).stderr).toContain('There is no lock file!')
    await own.end()
  })

  test('the end of stdin ends the session once running requests are done', async () => {
    const own = startServe(env)
    await own.hello
    const running = own.run(['--activate', '--type', 'talker', '--arguments', 'SLEEP=1', component('slow')])
    const status = own.end()
    expect((await running).exitCode).toBe(0)
    expect(await status).toBe(0)
  })

  test('input that is not the protocol ends the session with status 2', async () => {
    const own = startServe(env)
    await own.hello
    own.write(encodeJsonFrame(1, ServeFrameType.Hello, {}))
    expect(await own.end()).toBe(2)
  })
})

function collect(into: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      into.push(String(chunk))
      callback()
    },
  })
}
