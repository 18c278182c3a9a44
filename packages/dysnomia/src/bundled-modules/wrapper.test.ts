import { chmod, lstat, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { runBin, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

const wrapper = join(bundledModulesDir(), 'wrapper')

/** The component of the original's tests/wrapper.nix, with its state and lock files in `dir`. */
async function makeComponent(dir: string): Promise<string> {
  const component = join(dir, 'wrapper-component')
  await mkdir(join(component, 'bin'), { recursive: true })
  await writeFile(
    join(component, 'bin', 'wrapper'),
    `#!/bin/bash -e
state="${dir}/wrapper.state"
lock="${dir}/wrapper.lock"
case "$1" in
    activate) echo "wrapper active in container: $2" > "$state" ;;
    deactivate) rm -f "$state" ;;
    lock) if [ -f "$lock" ]; then echo "already locked" >&2; exit 1; else touch "$lock"; fi ;;
    unlock) rm -f "$lock" ;;
esac
`,
  )
  await chmod(join(component, 'bin', 'wrapper'), 0o755)
  return component
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  )
}

async function run(operation: string, component: string, container?: string) {
  return execa(wrapper, container === undefined ? [operation, component] : [operation, component, container], { reject: false })
}

describe('wrapper module', () => {
  test('delegates every operation to bin/wrapper with the container argument, returning its status', async () => {
    const dir = await testDir()
    const component = await makeComponent(dir)
    expect(await run('activate', component, 'my-container')).toMatchObject({ exitCode: 0 })
    expect(await run('activate', component, 'my-container')).toMatchObject({ exitCode: 0 })
    expect(await readFile(join(dir, 'wrapper.state'), 'utf8')).toBe('wrapper active in container: my-container\n')
    expect(await run('lock', component)).toMatchObject({ exitCode: 0 })
    expect(await run('lock', component)).toMatchObject({ exitCode: 1, stderr: 'already locked' })
    expect(await run('unlock', component)).toMatchObject({ exitCode: 0 })
    expect(await exists(join(dir, 'wrapper.lock'))).toBe(false)
    expect(await run('deactivate', component)).toMatchObject({ exitCode: 0 })
    expect(await exists(join(dir, 'wrapper.state'))).toBe(false)
    expect(await run('deactivate', component)).toMatchObject({ exitCode: 0 })
  })

  test('check is delegated to bin/wrapper: healthy and failing as it answers, unknown when it does not implement check', async () => {
    const dir = await testDir()
    const component = await makeComponent(dir)
    const dysnomia = () =>
      runBin('dysnomia', ['--type', 'wrapper', '--environment', '--operation', 'check', '--component', component], {
        env: { DYSNOMIA_STATEDIR: join(dir, 'state') },
      })
    // The wrapper of the original's tests knows no check: its case falls through.
    expect(await dysnomia()).toEqual({ stdout: 'unknown: module wrapper does not implement check\n', stderr: '', exitCode: 3 })

    await writeFile(
      join(component, 'bin', 'wrapper'),
      `#!/bin/bash -e
state="${dir}/wrapper.state"
case "$1" in
    activate) echo "active" > "$state" ;;
    check)
        if [ -f "$state" ]; then echo "healthy: state file $state exists"; else echo "no state file: $state" >&2; exit 1; fi
        ;;
esac
`,
    )
    expect(await dysnomia()).toMatchObject({ stdout: `failing: no state file: ${dir}/wrapper.state\n`, exitCode: 1 })
    expect(await run('activate', component)).toMatchObject({ exitCode: 0 })
    expect(await dysnomia()).toEqual({ stdout: `healthy: state file ${dir}/wrapper.state exists\n`, stderr: '', exitCode: 0 })
  })

  test('fails clearly when the component has no bin/wrapper', async () => {
    const dir = await testDir()
    expect(await run('activate', dir)).toMatchObject({ exitCode: 1, stderr: `No wrapper executable found: ${dir}/bin/wrapper` })
  })

  test('works through bin/dysnomia, which reports the failing lock', async () => {
    const dir = await testDir()
    const component = await makeComponent(dir)
    const dysnomia = (operation: string) =>
      runBin('dysnomia', ['--type', 'wrapper', '--environment', '--operation', operation, '--component', component], {
        env: { DYSNOMIA_STATEDIR: join(dir, 'state') },
      })
    expect(await dysnomia('activate')).toMatchObject({ exitCode: 0 })
    expect(await readFile(join(dir, 'wrapper.state'), 'utf8')).toBe('wrapper active in container: wrapper\n')
    expect(await dysnomia('lock')).toMatchObject({ exitCode: 0 })
    const second = await dysnomia('lock')
    expect(second.exitCode).not.toBe(0)
    expect(second.stderr).toContain('already locked')
  })
})
