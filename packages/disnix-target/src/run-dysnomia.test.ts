import { chmod, mkdir, open, readFile, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ChildProcessError, isDisnixError } from '@disnix-ts/libmain'
import { runBin, testDir } from '@disnix-ts/libmain/testing'
import { argumentsEnv } from './execute-target-request.js'
import { runDysnomia, type DysnomiaCall } from './run-dysnomia.js'

interface Outcome {
  stdout: string
  stderr: string
  status: number
}

/**
 * A module that shows everything it was given: its argv, its whole environment (sorted) on stdout, a
 * line on stderr, and the exit status asked for in $EXIT_WITH.
 */
async function writeDumpModule(dir: string): Promise<string> {
  const modules = join(dir, 'modules')
  await mkdir(modules, { recursive: true })
  await writeFile(
    join(modules, 'dump'),
    '#!/bin/sh\necho "argv: $1|$2|$3|$#"\nenv -0 | sort -z | tr "\\0" "\\n"\necho "dump: $1 on stderr" >&2\nexit "${EXIT_WITH:-0}"\n',
  )
  await chmod(join(modules, 'dump'), 0o755)
  return modules
}

/** The `dysnomia` executable, as disnix-run-activity used to run it for an activity. */
async function viaProcess(env: NodeJS.ProcessEnv, call: DysnomiaCall, args: string[]): Promise<Outcome> {
  const argv = ['--type', call.type, '--operation', call.operation, '--component', call.component, '--container', call.container, '--environment']
  const result = await runBin('dysnomia', argv, { env: { ...env, ...argumentsEnv(args) }, cleanEnv: true })
  return { stdout: result.stdout, stderr: result.stderr, status: result.exitCode }
}

/** runDysnomia in this process, with the module's output in files (as the daemon's job log). */
async function inProcess(dir: string, env: NodeJS.ProcessEnv, call: DysnomiaCall, args: string[]): Promise<Outcome> {
  const stdoutFile = join(dir, `out-${Math.random().toString(36).slice(2)}`)
  const stderrFile = `${stdoutFile}.err`
  const out = await open(stdoutFile, 'ax')
  const err = await open(stderrFile, 'ax')
  let status = 0
  try {
    const ctx = { tmpdir: dir, profileDir: dir, hostname: hostname(), env, stdout: out.fd, stderr: err.fd, log: () => undefined }
    await runDysnomia(ctx, { ...call, env: argumentsEnv(args) })
  } catch (error) {
    if (!isDisnixError(error)) throw error
    expect(error).toBeInstanceOf(ChildProcessError)
    const failed = error as ChildProcessError
    expect(failed.code).toBe('COMMAND_FAILED')
    expect(failed.message).toBe(`${call.step} failed (exit status ${failed.exitStatus})`)
    status = failed.exitStatus ?? 1
  } finally {
    await out.close()
    await err.close()
  }
  return { stdout: await readFile(stdoutFile, 'utf8'), stderr: await readFile(stderrFile, 'utf8'), status }
}

describe('runDysnomia: in-process Dysnomia matches the dysnomia executable', () => {
  const setup = async () => {
    const dir = await testDir('disnix-run-dysnomia-')
    const modules = await writeDumpModule(dir)
    const component = join(dir, 'component with space')
    await writeFile(component, 'x')
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      DYSNOMIA_MODULES_PATH: `${join(dir, 'nowhere')}:${modules}`,
      DYSNOMIA_STATEDIR: join(dir, 'state'),
      UNRELATED: 'kept',
    }
    return { dir, modules, component, env }
  }
  const call = (component: string, overrides: Partial<DysnomiaCall> = {}): DysnomiaCall => ({
    operation: 'activate',
    type: 'dump',
    component,
    container: 'box',
    step: `dysnomia --operation activate of ${component}`,
    ...overrides,
  })

  test('a succeeding module: same argv, environment (with --arguments) and output', async () => {
    const { dir, component, env } = await setup()
    const args = ['foo=a b $(x)', 'bar=1=2', 'EMPTY=']
    const expected = await viaProcess(env, call(component), args)
    expect(expected.status).toBe(0)
    expect(expected.stdout).toContain(`argv: activate|${component}|box|3\n`)
    expect(expected.stdout).toContain('\nfoo=a b $(x)\n')
    expect(expected.stdout).toContain('\nbar=1=2\n')
    expect(expected.stdout).toContain(`\nDYSNOMIA_STATEDIR=${join(dir, 'state')}\n`)
    expect(expected.stdout).toContain('\nUNRELATED=kept\n')
    expect(expected.stderr).toBe('dump: activate on stderr\n')
    expect(await inProcess(dir, env, call(component), args)).toEqual(expected)
  })

  test('the container defaults to the type; DYSNOMIA_STATEDIR defaults as the executable computes it', async () => {
    const { dir, component, env } = await setup()
    const { DYSNOMIA_STATEDIR: _unset, ...withoutStateDir } = env
    const lock = call(component, { operation: 'lock', container: '', step: 'lock' })
    const expected = await viaProcess(withoutStateDir, lock, [])
    expect(expected.stdout).toContain(`argv: lock|${component}|dump|3\n`)
    expect(expected.stdout).toMatch(/\nDYSNOMIA_STATEDIR=.+\n/)
    expect(await inProcess(dir, withoutStateDir, lock, [])).toEqual(expected)
  })

  test('a failing module: same status, output and error message', async () => {
    const { dir, component, env } = await setup()
    const expected = await viaProcess(env, call(component), ['EXIT_WITH=3'])
    expect(expected.status).toBe(3)
    expect(expected.stderr).toMatch(/^dump: activate on stderr\nERROR: Module: .*\/dump failed to execute operation: activate on component: .* \(exit status 3\)\n$/)
    expect(await inProcess(dir, env, call(component), ['EXIT_WITH=3'])).toEqual(expected)
  })

  test('resolution problems: unknown type, missing component, no type', async () => {
    const { dir, component, env } = await setup()
    for (const bad of [call(component, { type: 'no-such-module' }), call(join(dir, 'missing')), call(component, { type: '' })]) {
      const expected = await viaProcess(env, bad, [])
      expect(expected.status, expected.stderr).toBe(1)
      expect(expected.stdout).toBe('')
      expect(expected.stderr).not.toBe('')
      expect(await inProcess(dir, env, bad, [])).toEqual(expected)
    }
  })

  test('a bundled module is found without DYSNOMIA_MODULES_PATH', async () => {
    const { dir, component, env } = await setup()
    const { DYSNOMIA_MODULES_PATH: _unset, ...bundledOnly } = env
    // The bundled "echo" module prints its whole shell state, which differs per process (PPID);
    // compare its first line and status.
    const echo = call(component, { type: 'echo' })
    const expected = await viaProcess(bundledOnly, echo, [])
    const actual = await inProcess(dir, bundledOnly, echo, [])
    expect(expected.status).toBe(0)
    expect(actual.status).toBe(0)
    expect(actual.stdout.split('\n')[0]).toBe(`Echo module: Activate service: ${component}`)
    expect(actual.stdout.split('\n')[0]).toBe(expected.stdout.split('\n')[0])
    expect(actual.stderr).toBe(expected.stderr)
  })
})
