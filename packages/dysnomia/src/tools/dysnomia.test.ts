import { chmod, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { runBin, testDir } from '@disnix-ts/libmain/testing'

// A module that records its argv and its complete environment (NUL-separated) in $outFile, which
// comes from the container properties (file mode) or the environment (environment mode).
const RECORDER = `#!/bin/bash
{ printf '%s\\0' "$#" "$@"; env -0; } > "$outFile"
echo "recorder: $1 $(basename "$2")"
`

interface Recorded {
  args: string[]
  env: Record<string, string>
}

async function readRecord(file: string): Promise<Recorded> {
  const fields = (await readFile(file, 'utf8')).split('\0')
  const count = Number(fields[0])
  const env: Record<string, string> = {}
  for (const entry of fields.slice(1 + count)) {
    if (entry === '') continue
    const eq = entry.indexOf('=')
    env[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return { args: fields.slice(1, 1 + count), env }
}

/** A temp layout: modules/, containers/, components/<container>/<name>, state/, and the env pointing at it. */
async function layout() {
  const dir = await testDir('dysnomia-')
  const modules = join(dir, 'modules')
  const containers = join(dir, 'containers')
  const components = join(dir, 'components')
  const state = join(dir, 'state')
  await mkdir(modules)
  await mkdir(containers)
  await mkdir(join(components, 'rec'), { recursive: true })
  await writeModule(modules, 'recorder', RECORDER)
  const out = join(dir, 'record')
  const env = {
    DYSNOMIA_MODULES_PATH: modules,
    DYSNOMIA_CONTAINERS_PATH: containers,
    DYSNOMIA_COMPONENTS_PATH: components,
    DYSNOMIA_STATEDIR: state,
  }
  return { dir, modules, containers, components, state, out, env }
}

async function writeModule(dir: string, name: string, script: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, script)
  await chmod(path, 0o755)
  return path
}

async function makeComponent(components: string, container: string, name: string): Promise<string> {
  const path = join(components, container, name)
  await mkdir(path, { recursive: true })
  await writeFile(join(path, 'data'), 'initial\n')
  return path
}

async function snapshotTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort()
}

describe('dysnomia with a container configuration file', () => {
  test('runs MODULE OPERATION COMPONENT CONTAINER with only the properties, PATH and DYSNOMIA_STATEDIR', async () => {
    const t = await layout()
    const component = await makeComponent(t.components, 'rec', 'my comp')
    await writeFile(
      join(t.containers, 'rec'),
      [
        '# comments and blank lines are allowed',
        '',
        'type=recorder',
        `outFile=${t.out}`,
        'spaced="a  b c"',
        `quoted='say "hi" it'"'"'s'`,
        'list=("x y" z)',
        'host="$(echo computed value)"',
        'escaped="back\\\\slash \\"q\\""',
      ].join('\n'),
    )
    const result = await runBin('dysnomia', ['--operation', 'activate', '--component', 'my comp', '--container', 'rec'], {
      env: { ...t.env, SECRET_OF_CALLER: 'must not leak' },
    })
    expect(result).toEqual({ stdout: 'recorder: activate my comp\n', stderr: '', exitCode: 0 })
    const record = await readRecord(t.out)
    expect(record.args).toEqual(['activate', component, 'rec'])
    expect(record.env).toMatchObject({
      outFile: t.out,
      spaced: 'a  b c',
      quoted: `say "hi" it's`,
      list: 'x y z',
      host: 'computed value',
      escaped: 'back\\slash "q"',
      DYSNOMIA_STATEDIR: t.state,
      PATH: process.env.PATH,
    })
    // bash itself adds PWD, SHLVL and _; nothing of the caller's environment gets through.
    expect(Object.keys(record.env).sort()).toEqual(
      ['DYSNOMIA_STATEDIR', 'PATH', 'PWD', 'SHLVL', '_', 'escaped', 'host', 'list', 'outFile', 'quoted', 'spaced'].sort(),
    )
  })

  test('a container path (/... or ./...) is used directly and a type= line overrides --type', async () => {
    const t = await layout()
    const file = join(t.dir, 'conf')
    await writeFile(file, `type=recorder\noutFile=${t.out}\n`)
    const result = await runBin('dysnomia', ['-o', 'lock', '-c', './comp', '-C', './conf', '-t', 'nonexistent'], {
      env: t.env,
      cwd: t.dir,
    })
    await mkdir(join(t.dir, 'comp'))
    expect(result.stderr).toBe('ERROR: Component: ./comp does not exist!\n')
    const ok = await runBin('dysnomia', ['-o', 'lock', '-c', './comp', '-C', './conf', '-t', 'nonexistent'], { env: t.env, cwd: t.dir })
    expect(ok.exitCode).toBe(0)
    const record = await readRecord(t.out)
    expect(record.args).toEqual(['lock', join(t.dir, 'comp'), './conf'])
  })

  test('--type is the fallback when the container file has no type line', async () => {
    const t = await layout()
    await writeFile(join(t.containers, 'rec'), `outFile=${t.out}\n`)
    await makeComponent(t.components, 'rec', 'c1')
    const result = await runBin('dysnomia', ['-o', 'deactivate', '-c', 'c1', '-C', 'rec', '-t', 'recorder'], { env: t.env })
    expect(result.exitCode).toBe(0)
    expect((await readRecord(t.out)).args[0]).toBe('deactivate')
  })

  test('containers, components and modules are searched through every directory of their paths in order', async () => {
    const t = await layout()
    const modules2 = join(t.dir, 'modules2')
    const containers2 = join(t.dir, 'containers2')
    const components2 = join(t.dir, 'components2')
    await mkdir(modules2)
    await mkdir(containers2)
    // A directory and a non-executable file of the module's name are skipped, as the original's `-x` test does.
    await mkdir(join(t.modules, 'late'))
    await writeFile(join(modules2, 'late'), '#!/bin/bash\nexit 0\n')
    const modules3 = join(t.dir, 'modules3')
    await mkdir(modules3)
    await writeModule(modules3, 'late', `#!/bin/bash\necho "module3 $3"\n`)
    await writeFile(join(containers2, 'c2'), 'type=late\n')
    await makeComponent(components2, 'c2', 'x')
    const env = {
      ...t.env,
      DYSNOMIA_MODULES_PATH: `${t.modules}:${modules2}:${modules3}`,
      DYSNOMIA_CONTAINERS_PATH: `${t.containers}:${containers2}`,
      DYSNOMIA_COMPONENTS_PATH: `${t.components}:${components2}`,
    }
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', 'x', '-C', 'c2'], { env })
    expect(result).toEqual({ stdout: 'module3 c2\n', stderr: '', exitCode: 0 })
  })

  test('a type found in no directory is reported as not found', async () => {
    const t = await layout()
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', '/tmp', '-E', '-t', 'no-such-module-xyz'], { env: t.env })
    expect(result).toEqual({ stdout: '', stderr: 'Module: no-such-module-xyz cannot be found!\n', exitCode: 1 })
  })

  test('a type found in no DYSNOMIA_MODULES_PATH dir is taken from the bundled modules directory', async () => {
    const t = await layout()
    const result = await runBin('dysnomia', ['--type', 'echo', '--environment', '--operation', 'activate', '--component', '/tmp'], { env: t.env })
    expect(result.stdout).toMatch(/^Echo module: Activate service: \/tmp\n/)
    expect(result.exitCode).toBe(0)
    const shell = await runBin('dysnomia', ['--type', 'echo', '--shell', '--environment', '--component', '/tmp', '--command', 'echo "$foo"'], {
      env: { ...t.env, foo: 'foo' },
    })
    // The echo module itself prints its environment on stdout first.
    expect(shell.stdout).toMatch(/\nfoo\n$/)
    expect(shell.exitCode).toBe(0)
  })

  test('an empty DYSNOMIA_STATEDIR gets the default, which the module receives even under a cleared environment (QUIRK B.3)', async () => {
    const t = await layout()
    await writeFile(join(t.containers, 'rec'), `type=recorder\noutFile=${t.out}\n`)
    const component = await makeComponent(t.components, 'rec', 'c1')
    const env = { ...t.env, DYSNOMIA_STATEDIR: '' }
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', component, '-C', 'rec'], { env })
    expect(result.exitCode).toBe(0)
    const expected = process.getuid?.() === 0 ? '/var/state/dysnomia' : join(process.env.HOME ?? '/', '.dysnomia')
    expect((await readRecord(t.out)).env.DYSNOMIA_STATEDIR).toBe(expected)
  })
})

describe('dysnomia --environment', () => {
  test('inherits the environment and passes the type as the container argument when there is no --container', async () => {
    const t = await layout()
    const result = await runBin('dysnomia', ['--type', 'recorder', '--environment', '--operation', 'snapshot', '--component', '/tmp'], {
      env: { ...t.env, outFile: t.out, spaced: 'a  b', weird: `'"$(x)\`;|&` },
    })
    expect(result.exitCode).toBe(0)
    const record = await readRecord(t.out)
    expect(record.args).toEqual(['snapshot', '/tmp', 'recorder'])
    expect(record.env).toMatchObject({ spaced: 'a  b', weird: `'"$(x)\`;|&`, DYSNOMIA_STATEDIR: t.state, HOME: process.env.HOME })
  })

  test('--container is only a name passed to the module and selects DIR/NAME/COMPONENT', async () => {
    const t = await layout()
    const component = await makeComponent(t.components, 'mydb', 'testdb')
    const result = await runBin('dysnomia', ['-t', 'recorder', '-E', '-C', 'mydb', '-o', 'activate', '-c', 'testdb'], {
      env: { ...t.env, outFile: t.out },
    })
    expect(result.exitCode).toBe(0)
    expect((await readRecord(t.out)).args).toEqual(['activate', component, 'mydb'])
  })

  test('a type given as a path: a module file, or a package directory with one libexec/dysnomia module', async () => {
    const t = await layout()
    const pkg = join(t.dir, 'pkg')
    await mkdir(join(pkg, 'libexec', 'dysnomia'), { recursive: true })
    await writeModule(join(pkg, 'libexec', 'dysnomia'), 'pkgmod', '#!/bin/bash\necho "pkgmod $1 $3"\n')
    const byDir = await runBin('dysnomia', ['-t', pkg, '-E', '-o', 'activate', '-c', '/tmp'], { env: t.env })
    expect(byDir).toEqual({ stdout: `pkgmod activate ${pkg}\n`, stderr: '', exitCode: 0 })
    const byFile = await runBin('dysnomia', ['-t', './modules/recorder', '-E', '-o', 'unlock', '-c', '/tmp'], {
      env: { ...t.env, outFile: t.out },
      cwd: t.dir,
    })
    expect(byFile.exitCode).toBe(0)
    expect((await readRecord(t.out)).args).toEqual(['unlock', '/tmp', './modules/recorder'])
  })

  test('an operation that is not one of Dysnomia’s is refused before the module runs', async () => {
    const t = await layout()
    const result = await runBin('dysnomia', ['-t', 'recorder', '-E', '-o', 'frobnicate', '-c', '/tmp'], { env: { ...t.env, outFile: t.out } })
    expect(result).toEqual({
      stdout: '',
      stderr: 'ERROR: Unknown operation: "frobnicate"; the operations are: activate, deactivate, lock, unlock, snapshot, restore, collect-garbage, shell, check\n',
      exitCode: 1,
    })
    await expect(readFile(t.out)).rejects.toThrow(/ENOENT/)
  })

  test('the last occurrence of an option wins', async () => {
    const t = await layout()
    const result = await runBin('dysnomia', ['-t', 'nope', '-t', 'recorder', '-E', '-o', 'lock', '-o', 'unlock', '-c', '/nonexistent', '-c', '/tmp'], {
      env: { ...t.env, outFile: t.out },
    })
    expect(result.exitCode).toBe(0)
    expect((await readRecord(t.out)).args).toEqual(['unlock', '/tmp', 'recorder'])
  })
})

describe('dysnomia module failures', () => {
  test("a failing module's output surfaces and its own exit status is propagated (not xargs' 123)", async () => {
    const t = await layout()
    await writeModule(t.modules, 'failing', '#!/bin/bash\necho "partial output"\necho "cannot do $1" >&2\nexit 7\n')
    const result = await runBin('dysnomia', ['-t', 'failing', '-E', '-o', 'activate', '-c', '/tmp'], { env: t.env })
    expect(result.stdout).toBe('partial output\n')
    expect(result.stderr).toBe(
      `cannot do activate\nERROR: Module: ${join(t.modules, 'failing')} failed to execute operation: activate on component: /tmp (exit status 7)\n`,
    )
    expect(result.exitCode).toBe(7)
  })

  test('a module killed by a signal exits with 128 + the signal number', async () => {
    const t = await layout()
    await writeModule(t.modules, 'killed', '#!/bin/bash\nkill -TERM $$\n')
    const result = await runBin('dysnomia', ['-t', 'killed', '-E', '-o', 'activate', '-c', '/tmp'], { env: t.env })
    expect(result.exitCode).toBe(143)
    expect(result.stderr).toMatch(/exit status 143\)\n$/)
  })
})

describe('dysnomia bad input', () => {
  test.each([
    ['no operation', ['-c', '/tmp', '-C', 'rec'], 'ERROR: No operation specified!\n'],
    ['an empty operation', ['-o', '', '-c', '/tmp', '-C', 'rec'], 'ERROR: No operation specified!\n'],
    ['no container and no --environment', ['-o', 'activate', '-c', '/tmp'], 'No container file or environment specified!\n'],
    ['no component', ['-o', 'activate', '-C', 'rec'], 'ERROR: No component is specified!\n'],
    ['a missing component path', ['-o', 'activate', '-c', '/nonexistent/comp', '-C', 'rec'], 'ERROR: Component: /nonexistent/comp does not exist!\n'],
    ['no type with --environment', ['-o', 'activate', '-c', '/tmp', '-E'], 'ERROR: No type specified! (--environment requires --type TYPE)\n'],
    ['--command without --shell', ['-o', 'activate', '-c', '/tmp', '-E', '-t', 'recorder', '--command', 'true'], 'ERROR: --command can only be used together with --shell!\n'],
  ])('%s', async (_name, args, stderr) => {
    const t = await layout()
    await writeFile(join(t.containers, 'rec'), `type=recorder\noutFile=${t.out}\n`)
    const before = await snapshotTree(t.dir)
    const result = await runBin('dysnomia', args, { env: t.env })
    expect(result).toEqual({ stdout: '', stderr, exitCode: 1 })
    expect(await snapshotTree(t.dir)).toEqual(before)
  })

  test('a missing container configuration names the container and the searched path', async () => {
    const t = await layout()
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', '/tmp', '-C', 'nope'], { env: t.env })
    expect(result).toEqual({
      stdout: '',
      stderr: `No container configuration found for: nope\nhint: searched DYSNOMIA_CONTAINERS_PATH: ${t.containers}\n`,
      exitCode: 1,
    })
  })

  test('a missing container file path', async () => {
    const t = await layout()
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', '/tmp', '-C', '/nonexistent/conf'], { env: t.env })
    expect(result).toEqual({ stdout: '', stderr: 'No container configuration found for: /nonexistent/conf (/nonexistent/conf is not a file)\n', exitCode: 1 })
  })

  test('a container file without type', async () => {
    const t = await layout()
    await writeFile(join(t.containers, 'notype'), 'foo=bar\n')
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', '/tmp', '-C', 'notype'], { env: t.env })
    expect(result).toEqual({ stdout: '', stderr: 'ERROR: No type specified in the container configuration!\n', exitCode: 1 })
  })

  test('a malformed container file names the file and line and runs nothing', async () => {
    const t = await layout()
    await writeFile(join(t.containers, 'bad'), `type=recorder\noutFile=${t.out}\nfoo=two words\n`)
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', '/tmp', '-C', 'bad'], { env: t.env })
    expect(result).toEqual({
      stdout: '',
      stderr: `${join(t.containers, 'bad')}, line 3: unexpected text after the value (quote values that contain spaces): foo=two words\n`,
      exitCode: 1,
    })
    await expect(readFile(t.out)).rejects.toThrow(/ENOENT/)
  })

  test('a missing component name names the component and the searched dirs', async () => {
    const t = await layout()
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', 'ghost', '-E', '-t', 'recorder'], { env: t.env })
    expect(result).toEqual({
      stdout: '',
      stderr: `No component configuration found for: ghost\nhint: searched DYSNOMIA_COMPONENTS_PATH: ${join(t.components, 'recorder')}\n`,
      exitCode: 1,
    })
  })

  test('an unknown module type', async () => {
    const t = await layout()
    await writeFile(join(t.containers, 'c'), 'type=unknown-type\n')
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', '/tmp', '-C', 'c'], { env: t.env })
    expect(result).toEqual({ stdout: '', stderr: 'Module: unknown-type cannot be found!\n', exitCode: 1 })
  })

  test('a module that is not executable, and a directory in its place, are named', async () => {
    const t = await layout()
    await writeFile(join(t.modules, 'plain'), '#!/bin/bash\nexit 0\n')
    await mkdir(join(t.modules, 'adir'))
    const plain = await runBin('dysnomia', ['-o', 'activate', '-c', '/tmp', '-E', '-t', 'plain'], { env: t.env })
    expect(plain).toEqual({ stdout: '', stderr: `Module: plain cannot be found! (${join(t.modules, 'plain')} is not executable)\n`, exitCode: 1 })
    const adir = await runBin('dysnomia', ['-o', 'activate', '-c', '/tmp', '-E', '-t', 'adir'], { env: t.env })
    expect(adir.stderr).toBe(`Module: adir cannot be found! (${join(t.modules, 'adir')} is a directory, not an executable file)\n`)
    const byPath = await runBin('dysnomia', ['-o', 'activate', '-c', '/tmp', '-E', '-t', join(t.modules, 'plain')], { env: t.env })
    expect(byPath.stderr).toBe(`Module: ${join(t.modules, 'plain')} cannot be found! (${join(t.modules, 'plain')} is not executable)\n`)
    expect(byPath.exitCode).toBe(1)
  })

  test('a component name with spaces and shell metacharacters is passed intact and never interpreted', async () => {
    const t = await layout()
    const name = `evil $(touch pwned); \`touch pwned2\` & 'q" | x`
    const component = await makeComponent(t.components, 'rec', name)
    await writeFile(join(t.containers, 'rec'), `type=recorder\noutFile=${t.out}\n`)
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', name, '-C', 'rec'], { env: t.env, cwd: t.dir })
    expect(result.exitCode).toBe(0)
    expect((await readRecord(t.out)).args).toEqual(['activate', component, 'rec'])
    expect((await readdir(t.dir)).filter((f) => f.startsWith('pwned'))).toEqual([])
  })

  test('an unknown option is rejected', async () => {
    const result = await runBin('dysnomia', ['--bogus'])
    expect(result.stderr).toMatch(/unknown option '--bogus'/)
    expect(result.exitCode).toBe(1)
  })
})

describe('dysnomia --shell', () => {
  const SHELL_MODULE = `#!/bin/bash
case "$1" in
  shell) echo "This is the test shell session for $(basename "$2")" >&2 ;;
  *) exit 0 ;;
esac
`

  test('--command runs without a terminal, with the properties and this_* exported, and returns its status', async () => {
    const t = await layout()
    await writeModule(t.modules, 'shelly', SHELL_MODULE)
    await writeFile(join(t.containers, 'sc'), 'type=shelly\nspaced="a  b"\nlist=("x y" z)\n')
    const component = await makeComponent(t.components, 'sc', 'c1')
    const result = await runBin(
      'dysnomia',
      ['--shell', '-c', 'c1', '-C', 'sc', '--command', 'echo "spaced=$spaced list=$list"; echo "$this_dysnomia_module|$this_component|$this_container|$DYSNOMIA_STATEDIR"; exit 3'],
      { env: t.env },
    )
    expect(result.stdout).toBe(`spaced=a  b list=x y z\n${join(t.modules, 'shelly')}|${component}|sc|${t.state}\n`)
    expect(result.stderr).toContain('This is the test shell session for c1\n')
    expect(result.stderr).toContain('General environment variables:\n')
    expect(result.exitCode).toBe(3)
  })

  test('--shell overrides --operation and the status of the last command is the exit status', async () => {
    const t = await layout()
    await writeModule(t.modules, 'shelly', SHELL_MODULE)
    const result = await runBin('dysnomia', ['-o', 'activate', '--shell', '-t', 'shelly', '-E', '-c', '/tmp', '--command', 'echo "foo=$foo"; false'], {
      env: { ...t.env, foo: 'from env' },
    })
    expect(result.stdout).toBe('foo=from env\n')
    expect(result.stderr).toContain('This is the test shell session for tmp')
    expect(result.exitCode).toBe(1)
  })

  test('without --command, commands piped into stdin run in the session', async () => {
    const t = await layout()
    await writeModule(t.modules, 'shelly', SHELL_MODULE)
    await writeFile(join(t.containers, 'sc'), 'type=shelly\nprop="piped value"\n')
    const result = await runBin('dysnomia', ['--shell', '-c', '/tmp', '-C', 'sc'], { env: t.env, input: 'echo "prop=$prop"\nexit 5\n' })
    expect(result.stdout).toBe('prop=piped value\n')
    expect(result.exitCode).toBe(5)
  })

  test('a module that fails its shell operation stops the session', async () => {
    const t = await layout()
    await writeModule(t.modules, 'noshell', '#!/bin/bash\necho "no shell here" >&2\nexit 4\n')
    const result = await runBin('dysnomia', ['--shell', '-t', 'noshell', '-E', '-c', '/tmp', '--command', 'echo reached'], { env: t.env })
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`no shell here\nModule: ${join(t.modules, 'noshell')} failed to start a shell session (exit status 4)\n`)
    expect(result.exitCode).toBe(4)
  })
})

describe('dysnomia --operation check', () => {
  // A module that implements check: healthy while $stateFile holds "up", failing otherwise.
  const CHECKER = `#!/bin/bash
case "$1" in
    check)
        if [ "$(cat "$stateFile" 2>/dev/null)" = up ]; then
            echo "looked at $stateFile"
            echo "healthy: $(basename "$2") is up"
        else
            echo "Looking at $stateFile..." >&2
            echo "$(basename "$2") is down: $stateFile says: $(cat "$stateFile" 2>/dev/null || echo nothing)" >&2
            exit 4
        fi
        ;;
esac
`
  // An older module: activate and deactivate only, silent for anything else.
  const OLD = `#!/bin/bash
set -e
case "$1" in
    activate) echo "started $2" ;;
    deactivate) echo "stopped $2" ;;
esac
`

  test('healthy: prints "healthy: REASON" on stdout and exits 0', async () => {
    const t = await layout()
    await writeModule(t.modules, 'checker', CHECKER)
    const stateFile = join(t.dir, 'state-file')
    await writeFile(stateFile, 'up\n')
    const result = await runBin('dysnomia', ['-t', 'checker', '-E', '-o', 'check', '-c', t.dir], { env: { ...t.env, stateFile } })
    expect(result).toEqual({ stdout: `healthy: ${basename(t.dir)} is up\n`, stderr: '', exitCode: 0 })
  })

  test('failing: prints "failing: REASON" on stdout, the reason on stderr, and exits 1 whatever the module’s status', async () => {
    const t = await layout()
    await writeModule(t.modules, 'checker', CHECKER)
    const stateFile = join(t.dir, 'state-file')
    await writeFile(stateFile, 'crashed\n')
    const result = await runBin('dysnomia', ['-t', 'checker', '-E', '-o', 'check', '-c', t.dir], { env: { ...t.env, stateFile } })
    const reason = `${basename(t.dir)} is down: ${stateFile} says: crashed`
    expect(result).toEqual({ stdout: `failing: ${reason}\n`, stderr: `ERROR: check failed: ${reason}\n`, exitCode: 1 })
  })

  test('unknown: a module without the operation exits 3, never 1', async () => {
    const t = await layout()
    await writeModule(t.modules, 'old', OLD)
    const result = await runBin('dysnomia', ['-t', 'old', '-E', '-o', 'check', '-c', t.dir], { env: t.env })
    expect(result).toEqual({ stdout: 'unknown: module old does not implement check\n', stderr: '', exitCode: 3 })
  })

  test('with a container configuration file, as the other operations', async () => {
    const t = await layout()
    await writeModule(t.modules, 'checker', CHECKER)
    const stateFile = join(t.dir, 'state-file')
    await writeFile(stateFile, 'up\n')
    await writeFile(join(t.containers, 'rec'), `type=checker\nstateFile=${stateFile}\n`)
    await makeComponent(t.components, 'rec', 'web')
    const result = await runBin('dysnomia', ['-o', 'check', '-c', 'web', '-C', 'rec'], { env: t.env })
    expect(result).toEqual({ stdout: 'healthy: web is up\n', stderr: '', exitCode: 0 })
  })

  test('--check-timeout: a module that does not finish in time is failing', async () => {
    const t = await layout()
    await writeModule(t.modules, 'slow', '#!/bin/bash\necho "Waiting for the server..." >&2\nsleep 30\n')
    const result = await runBin('dysnomia', ['-t', 'slow', '-E', '-o', 'check', '-c', t.dir, '--check-timeout', '1'], { env: t.env })
    const reason = 'check of module slow did not finish within 1 s (last message: Waiting for the server...)'
    expect(result).toEqual({ stdout: `failing: ${reason}\n`, stderr: `ERROR: check failed: ${reason}\n`, exitCode: 1 })
  })

  test('a bad --check-timeout is a usage error', async () => {
    const result = await runBin('dysnomia', ['-t', 'echo', '-E', '-o', 'check', '-c', '/tmp', '--check-timeout', '0'])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain("option '--check-timeout <seconds>' argument '0' is invalid")
  })
})

describe('dysnomia --help and --version', () => {
  test('--help documents every option, the environment and the exit status', async () => {
    const result = await runBin('dysnomia', ['--help'])
    expect(result.exitCode).toBe(0)
    for (const option of ['--operation', '--component', '--container', '--type', '--environment', '--shell', '--command', '--check-timeout', '--help', '--version']) {
      expect(result.stdout).toContain(option)
    }
    for (const variable of ['DYSNOMIA_COMPONENTS_PATH', 'DYSNOMIA_CONTAINERS_PATH', 'DYSNOMIA_MODULES_PATH', 'DYSNOMIA_STATEDIR']) {
      expect(result.stdout).toContain(variable)
    }
    expect(result.stdout).toContain('Exit status:')
  })

  test('--version names the tool', async () => {
    const result = await runBin('dysnomia', ['-v'])
    expect(result.stdout).toMatch(/^dysnomia \(disnix-ts dysnomia\) /)
    expect(result.exitCode).toBe(0)
  })
})

describe('dysnomia component resolution', () => {
  test('a component found through the components path is passed symlink-resolved', async () => {
    const t = await layout()
    const real = join(t.dir, 'real-component')
    await mkdir(real)
    await symlink(real, join(t.components, 'rec', 'linked'))
    await writeFile(join(t.containers, 'rec'), `type=recorder\noutFile=${t.out}\n`)
    const result = await runBin('dysnomia', ['-o', 'activate', '-c', 'linked', '-C', 'rec'], { env: t.env })
    expect(result.exitCode).toBe(0)
    expect((await readRecord(t.out)).args[1]).toBe(real)
  })
})

describe('dysnomia run in process (runToolInProcess)', () => {
  test("the module's output, the check line and the module's failing status reach the caller, not this process", async () => {
    const { Writable } = await import('node:stream')
    const { runToolInProcess } = await import('@disnix-ts/libmain')
    const { dysnomia } = await import('./dysnomia.js')
    const t = await layout()
    const module = await writeModule(
      t.dir,
      'talker',
      '#!/bin/bash\necho "out: $1"\necho "err: $1" >&2\ncase "$1" in check) echo "healthy: talks" ;; lock) exit 4 ;; esac\n',
    )
    const run = async (operation: string) => {
      const out: string[] = []
      const err: string[] = []
      const stdout = new Writable({ write: (chunk, _encoding, done) => void (out.push(String(chunk)), done()) })
      const stderr = new Writable({ write: (chunk, _encoding, done) => void (err.push(String(chunk)), done()) })
      const exitCode = await runToolInProcess(dysnomia, ['-o', operation, '-t', module, '-E', '-c', t.dir], { stdout, stderr, env: { ...process.env, ...t.env } })
      return { stdout: out.join(''), stderr: err.join(''), exitCode }
    }
    expect(await run('activate')).toEqual({ stdout: 'out: activate\n', stderr: 'err: activate\n', exitCode: 0 })
    expect(await run('check')).toEqual({ stdout: 'healthy: talks\n', stderr: '', exitCode: 0 })
    expect(await run('lock')).toEqual({
      stdout: 'out: lock\n',
      stderr: `err: lock\nERROR: Module: ${module} failed to execute operation: lock on component: ${t.dir} (exit status 4)\n`,
      exitCode: 4,
    })
  })
})
