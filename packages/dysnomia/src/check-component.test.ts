import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { DisnixError } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { checkComponent, interpretCheckOutput, type ModuleCheckOutput } from './check-component.js'

const MODULE = '/modules/my-module'

function run(partial: Partial<ModuleCheckOutput>): ModuleCheckOutput {
  return { exitCode: 0, signal: null, stdout: '', stderr: '', ...partial }
}

describe('interpretCheckOutput', () => {
  test.each<[string, Partial<ModuleCheckOutput>, { status: string; reason: string }]>([
    ['exit 0 with a healthy line', { stdout: 'healthy: process 1234 is running\n' }, { status: 'healthy', reason: 'process 1234 is running' }],
    ['the healthy line last, after other output and blank lines', { stdout: 'starting\nhealthy:  port 80 answers \n\n', stderr: 'Waiting...\n' }, { status: 'healthy', reason: 'port 80 answers' }],
    ['a healthy line without a description', { stdout: 'healthy:\n' }, { status: 'healthy', reason: 'module my-module reports the component healthy' }],
    ['exit 0 and no output: an older module', {}, { status: 'unknown', reason: 'module my-module does not implement check' }],
    ['exit 0 and output without the healthy line (the original echo module)', { stdout: 'Environment variables:\nPATH=/bin\n' }, { status: 'unknown', reason: 'module my-module does not implement check' }],
    ['a healthy line that is not the last line', { stdout: 'healthy: yes\nsomething else\n' }, { status: 'unknown', reason: 'module my-module does not implement check' }],
    ['exit 1: the last non-empty line of stderr', { exitCode: 1, stdout: 'out\n', stderr: 'first\nthe server is down\n\n' }, { status: 'failing', reason: 'the server is down' }],
    ['exit 1 without stderr: the last line of stdout', { exitCode: 2, stdout: 'not running\n' }, { status: 'failing', reason: 'not running' }],
    ['exit 1 with a healthy line: failing all the same', { exitCode: 1, stdout: 'healthy: yes\n' }, { status: 'failing', reason: 'healthy: yes' }],
    ['exit 3 and no output', { exitCode: 3 }, { status: 'failing', reason: 'check of module my-module failed with exit status 3' }],
    ['killed by a signal', { exitCode: null, signal: 'SIGKILL', stderr: 'Waiting for port 5432...\n' }, { status: 'failing', reason: 'check of module my-module was killed by SIGKILL (last message: Waiting for port 5432...)' }],
    ['stopped by the timeout', { exitCode: null, signal: null, timedOutAfterMs: 2500 }, { status: 'failing', reason: 'check of module my-module did not finish within 2.5 s' }],
    ['a CRLF line end', { exitCode: 1, stderr: 'refused\r\n' }, { status: 'failing', reason: 'refused' }],
  ])('%s', (_name, output, expected) => {
    expect(interpretCheckOutput(run(output), MODULE)).toEqual(expected)
  })

  test('a very long reason is cut to one short line', () => {
    const result = interpretCheckOutput(run({ exitCode: 1, stderr: `${'x'.repeat(2000)}\n` }), MODULE)
    expect(result.status).toBe('failing')
    expect(result.reason).toHaveLength(500)
    expect(result.reason.endsWith('...')).toBe(true)
  })
})

/** A temp dir with modules/, a component and the request fields pointing there. */
async function layout() {
  const dir = await testDir('dysnomia-check-')
  const modules = join(dir, 'modules')
  const component = join(dir, 'component')
  await mkdir(modules)
  await mkdir(component)
  const request = {
    component,
    type: 'm',
    environment: true,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stateDir: join(dir, 'state'),
    containersPath: [],
    componentsPath: [],
    modulesPath: [modules],
    builtinModulesDir: join(dir, 'none'),
  }
  return { dir, modules, component, request }
}

async function writeModule(modules: string, script: string): Promise<void> {
  await writeFile(join(modules, 'm'), script)
  await chmod(join(modules, 'm'), 0o755)
}

/**
 * True when the process still runs after a moment (a SIGKILL takes effect asynchronously); an exited
 * one that nobody has reaped yet (a zombie) does not count.
 */
async function alive(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
    if (stat === '' || stat.charAt(stat.lastIndexOf(')') + 2) === 'Z') return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return true
}

describe('checkComponent', () => {
  test('runs MODULE check COMPONENT CONTAINER and reports what it verified', async () => {
    const t = await layout()
    await writeModule(t.modules, `#!/bin/bash\necho "args: $*" >&2\n[ "$1" = check ] && echo "healthy: checked $(basename "$2") in $3"\n`)
    expect(await checkComponent({ ...t.request, container: 'web' })).toEqual({ status: 'healthy', reason: 'checked component in web' })
  })

  test('a failing check gives the last line of stderr as the reason', async () => {
    const t = await layout()
    await writeModule(t.modules, '#!/bin/bash\necho "Waiting for port: 80..." >&2\necho "port 80 does not answer" >&2\nexit 1\n')
    expect(await checkComponent(t.request)).toEqual({ status: 'failing', reason: 'port 80 does not answer' })
  })

  test('an older module, whose case falls through for check, is unknown', async () => {
    const t = await layout()
    await writeModule(t.modules, '#!/bin/bash\nset -e\ncase "$1" in\n    activate) echo "activated" ;;\n    deactivate) echo "deactivated" ;;\nesac\n')
    expect(await checkComponent(t.request)).toEqual({ status: 'unknown', reason: 'module m does not implement check' })
  })

  test('a check that runs too long is failing, and what it started is killed with it', async () => {
    const t = await layout()
    const pidFile = join(t.dir, 'child.pid')
    await writeModule(t.modules, `#!/bin/bash\nsleep 60 &\necho $! > ${pidFile}\necho "Waiting for the server..." >&2\nwait\n`)
    const result = await checkComponent({ ...t.request, timeoutMs: 500 })
    expect(result).toEqual({ status: 'failing', reason: 'check of module m did not finish within 0.5 s (last message: Waiting for the server...)' })
    const child = Number(await readFile(pidFile, 'utf8'))
    expect(await alive(child)).toBe(false)
  })

  test('a module killed by a signal is failing', async () => {
    const t = await layout()
    await writeModule(t.modules, '#!/bin/bash\nkill -TERM $$\n')
    expect(await checkComponent(t.request)).toEqual({ status: 'failing', reason: 'check of module m was killed by SIGTERM' })
  })

  test('a cancelled check kills the module and throws CANCELLED', async () => {
    const t = await layout()
    const pidFile = join(t.dir, 'module.pid')
    await writeModule(t.modules, `#!/bin/bash\necho $$ > ${pidFile}\nsleep 60\n`)
    const controller = new AbortController()
    const pending = checkComponent({ ...t.request, signal: controller.signal })
    for (let i = 0; i < 100 && (await readFile(pidFile, 'utf8').catch(() => '')) === ''; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    controller.abort()
    const error = await pending.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DisnixError)
    expect((error as DisnixError).code).toBe('CANCELLED')
    expect(await alive(Number(await readFile(pidFile, 'utf8')))).toBe(false)
  })

  test('resolution problems are errors, not check results: nothing runs', async () => {
    const t = await layout()
    const error = await checkComponent({ ...t.request, type: 'missing' }).catch((e: unknown) => e)
    expect((error as DisnixError).code).toBe('MODULE_NOT_FOUND')
  })

  test('a module that cannot be executed is an error', async () => {
    const t = await layout()
    // Executable, but its interpreter does not exist.
    await writeModule(t.modules, '#!/nonexistent/interpreter\n')
    const error = await checkComponent(t.request).catch((e: unknown) => e)
    expect((error as DisnixError).code).toBe('MODULE_NOT_EXECUTABLE')
  })
})
