import { randomBytes } from 'node:crypto'
import { appendFile, chmod, lstat, mkdir, readdir, readFile, rmdir, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { runBin, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

const fileset = join(bundledModulesDir(), 'fileset')

interface Setup {
  stateDir: string
  component: string
  target: string
}

/** A component like the one of the original's tests/fileset.nix, in a temp dir. */
async function makeComponent(): Promise<Setup> {
  const root = await testDir()
  const component = join(root, 'components', 'showfiles')
  const target = join(root, 'srv', 'fileset')
  await mkdir(join(component, 'bin'), { recursive: true })
  await writeFile(join(component, 'bin', 'showfiles'), `#!/bin/sh\nls "${target}/files"\n`)
  await chmod(join(component, 'bin', 'showfiles'), 0o755)
  await writeFile(join(component, '.dysnomia-targetdir'), `${target}\n`)
  await writeFile(join(component, '.dysnomia-fileset'), `symlink ${join(component, 'bin')}\ntarget .\nmkdir files\n`)
  return { stateDir: join(root, 'state'), component, target }
}

/** Runs the module with the process contract: `fileset OP COMPONENT [CONTAINER]`, properties as env vars. */
async function runModule(setup: Setup, operation: string, extraEnv: Record<string, string> = {}) {
  return execa(fileset, [operation, setup.component], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', DYSNOMIA_STATEDIR: setup.stateDir, ...extraEnv },
    extendEnv: false,
    reject: false,
  })
}

async function snapshotsTool(setup: Setup, args: string[]) {
  return runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: setup.stateDir } })
}

async function tarList(setup: Setup): Promise<string[]> {
  const latest = (await snapshotsTool(setup, ['--query-latest'])).stdout.trim()
  const resolved = (await snapshotsTool(setup, ['--resolve', latest])).stdout.trim()
  const { stdout } = await execa('tar', ['tf', join(resolved, 'state.tar.xz')])
  return stdout.split('\n')
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  )
}

describe('fileset module', () => {
  test('check: healthy with the target dir, the links and the mutable dirs in place, failing when one is gone', async () => {
    const setup = await makeComponent()
    expect(await runModule(setup, 'check')).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: `Target directory: ${setup.target} of fileset: showfiles does not exist`,
    })
    expect((await runModule(setup, 'activate')).exitCode).toBe(0)
    const healthy = { exitCode: 0, stdout: `healthy: fileset: showfiles is in place in: ${setup.target} (1 links, 1 mutable directories)`, stderr: '' }
    expect(await runModule(setup, 'check')).toMatchObject(healthy)

    await rmdir(join(setup.target, 'files'))
    expect(await runModule(setup, 'check')).toMatchObject({ exitCode: 1, stderr: `Mutable directory: ${setup.target}/files of fileset: showfiles does not exist` })
    expect((await runModule(setup, 'activate')).exitCode).toBe(0)
    expect(await runModule(setup, 'check')).toMatchObject(healthy)

    expect((await runModule(setup, 'deactivate')).exitCode).toBe(0)
    expect(await runModule(setup, 'check')).toMatchObject({
      exitCode: 1,
      stderr: `Link: ${setup.target}/bin of fileset: showfiles does not point to ${join(setup.component, 'bin')}`,
    })
  })

  test('runs the full stateful cycle: activate, snapshot, restore, deactivate, collect garbage, gc, check', async () => {
    const setup = await makeComponent()
    const showfiles = join(setup.target, 'bin', 'showfiles')

    expect((await runModule(setup, 'activate')).exitCode).toBe(0)
    expect((await execa(showfiles)).exitCode).toBe(0)
    expect((await runModule(setup, 'activate')).exitCode).toBe(0)
    expect(await readdir(join(setup.stateDir, 'activated', 'fileset'))).toEqual(['showfiles'])

    expect((await runModule(setup, 'deactivate')).exitCode).toBe(0)
    expect(await exists(showfiles)).toBe(false)
    expect((await runModule(setup, 'activate')).exitCode).toBe(0)

    await writeFile(join(setup.target, 'files', 'hello'), 'hello\n')
    await writeFile(join(setup.target, 'files', 'bye'), 'bye\n')
    const first = await runModule(setup, 'snapshot')
    expect(first).toMatchObject({ exitCode: 0, stdout: 'files/\nfiles/bye\nfiles/hello' })
    expect((await snapshotsTool(setup, ['--query-all'])).stdout.trim().split('\n')).toHaveLength(1)
    expect(await tarList(setup)).toEqual(['files/', 'files/bye', 'files/hello'])

    // Unchanged contents (even rewritten, with a new modification time) give the same snapshot.
    await writeFile(join(setup.target, 'files', 'hello'), 'hello\n')
    expect((await runModule(setup, 'snapshot')).exitCode).toBe(0)
    expect((await snapshotsTool(setup, ['--query-all'])).stdout.trim().split('\n')).toHaveLength(1)

    await writeFile(join(setup.target, 'files', 'world'), 'world\n')
    expect((await runModule(setup, 'snapshot')).exitCode).toBe(0)
    const twoSnapshots = (await snapshotsTool(setup, ['--query-all'])).stdout.trim().split('\n')
    expect(twoSnapshots).toHaveLength(2)
    expect(new Set(twoSnapshots).size).toBe(2)
    expect(await tarList(setup)).toEqual(['files/', 'files/bye', 'files/hello', 'files/world'])

    // Not garbage: collect-garbage keeps the state.
    expect((await runModule(setup, 'collect-garbage')).exitCode).toBe(0)
    expect(await readdir(join(setup.target, 'files'))).toEqual(['bye', 'hello', 'world'])

    expect((await runModule(setup, 'deactivate')).exitCode).toBe(0)
    expect((await runModule(setup, 'deactivate')).exitCode).toBe(0)
    expect(await readdir(join(setup.target, 'files'))).toEqual(['bye', 'hello', 'world'])
    expect(await readdir(join(setup.stateDir, 'garbage', 'fileset'))).toEqual(['showfiles'])
    expect((await runModule(setup, 'collect-garbage')).exitCode).toBe(0)
    expect(await exists(join(setup.target, 'files'))).toBe(false)
    expect(await readdir(join(setup.stateDir, 'garbage', 'fileset'))).toEqual([])

    expect((await runModule(setup, 'activate')).exitCode).toBe(0)
    expect(await readdir(join(setup.target, 'files'))).toEqual([])
    expect((await runModule(setup, 'restore')).exitCode).toBe(0)
    expect(await readFile(join(setup.target, 'files', 'world'), 'utf8')).toBe('world\n')
    expect((await execa(showfiles)).stdout).toBe('bye\nhello\nworld')

    // Keep only the latest generation.
    const gc = await snapshotsTool(setup, ['--gc', '--keep', '1'])
    expect(gc.exitCode).toBe(0)
    expect(gc.stderr).toBe(`Removing old generation symlink: fileset/showfiles/1\nRemoving old snapshot: ${twoSnapshots[0]}\n`)
    expect((await snapshotsTool(setup, ['--query-all'])).stdout).toBe(`${twoSnapshots[1]}\n`)

    // One more snapshot, then corrupt both: one modified, one truncated.
    await writeFile(join(setup.target, 'files', 'more'), 'more\n')
    expect((await runModule(setup, 'snapshot')).exitCode).toBe(0)
    expect(await snapshotsTool(setup, ['--query-all', '--check'])).toMatchObject({ exitCode: 0, stderr: '' })
    const [older, newer] = (await snapshotsTool(setup, ['--query-all'])).stdout.trim().split('\n') as [string, string]
    await appendFile(join(setup.stateDir, 'snapshots', older, 'state.tar.xz'), 'junk')
    await truncate(join(setup.stateDir, 'snapshots', newer, 'state.tar.xz'), 10)
    const check = await snapshotsTool(setup, ['--query-all', '--check'])
    expect(check.exitCode).toBe(1)
    expect(check.stdout).toBe(`${older}\n${newer}\n`)
    const mismatches = check.stderr.trim().split('\n')
    expect(mismatches).toHaveLength(2)
    expect(mismatches[0]).toMatch(new RegExp(`^Checksum mismatch detected for snapshot: ${older}, we have: 'sha256:[0-9a-f]{64}', we expect: 'sha256:[0-9a-f]{64}'$`))
    expect(mismatches[1]).toMatch(new RegExp(`^Checksum mismatch detected for snapshot: ${newer}, `))

    // Restoring a truncated archive fails and leaves the current state alone.
    const broken = await runModule(setup, 'restore')
    expect(broken.exitCode).not.toBe(0)
    expect(await readdir(join(setup.target, 'files'))).toEqual(['bye', 'hello', 'more', 'world'])
    expect((await readdir(setup.target)).filter((name) => name.startsWith('.dysnomia-restore'))).toEqual([])
  })

  test('nothing reaches the store when the archive cannot be written', async () => {
    const setup = await makeComponent()
    expect((await runModule(setup, 'activate')).exitCode).toBe(0)
    // tar fails on a mkdir path that vanished (root could read anything else).
    await execa('rm', ['-rf', join(setup.target, 'files')])
    const result = await runModule(setup, 'snapshot')
    expect(result.exitCode).not.toBe(0)
    expect(await exists(join(setup.stateDir, 'snapshots'))).toBe(false)
    expect(await exists(join(setup.stateDir, 'generations'))).toBe(false)
    expect(await readdir(join(setup.stateDir, 'tmp'))).toEqual([])
  })

  test('uses the targetDir property over .dysnomia-targetdir and a custom container name', async () => {
    const setup = await makeComponent()
    const elsewhere = join(await testDir(), 'other')
    const result = await execa(fileset, ['activate', setup.component, 'my-files'], {
      env: { PATH: process.env.PATH ?? '', DYSNOMIA_STATEDIR: setup.stateDir, targetDir: elsewhere },
      extendEnv: false,
    })
    expect(result.exitCode).toBe(0)
    expect(await readdir(elsewhere)).toEqual(['bin', 'files'])
    expect(await readdir(join(setup.stateDir, 'activated'))).toEqual(['my-files'])
  })

  test('prints unknown actions, treats unknown operations as no-ops and refuses paths leaving the target', async () => {
    const setup = await makeComponent()
    await appendFile(join(setup.component, '.dysnomia-fileset'), 'copy something\n')
    const activate = await runModule(setup, 'activate')
    expect(activate).toMatchObject({ exitCode: 0, stdout: 'Unknown action: copy' })
    expect(await runModule(setup, 'lock')).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await runModule(setup, 'bogus')).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })

    await writeFile(join(setup.component, '.dysnomia-fileset'), 'mkdir ../escape\n')
    expect(await runModule(setup, 'collect-garbage')).toMatchObject({
      exitCode: 1,
      stderr: `Invalid mkdir path in ${setup.component}/.dysnomia-fileset: '../escape' (it must stay inside the target directory)`,
    })
  })

  test('fails clearly without a target directory, and prints help for shell', async () => {
    const setup = await makeComponent()
    await execa('rm', [join(setup.component, '.dysnomia-targetdir')])
    expect(await runModule(setup, 'activate')).toMatchObject({
      exitCode: 1,
      stderr: `No target directory specified! Set the targetDir property or provide ${setup.component}/.dysnomia-targetdir`,
    })
    const shell = await runModule(setup, 'shell', { targetDir: '/srv/x' })
    expect(shell.exitCode).toBe(0)
    expect(shell.stderr).toContain("This is a shell session that can be used to control the 'showfiles' fileset.")
    expect(shell.stderr).toContain('targetDir     Directory in which the fileset is deployed (/srv/x)')
  })

  test('runs through bin/dysnomia with a container file whose targetDir has spaces', async () => {
    const setup = await makeComponent()
    const root = await testDir()
    const target = join(root, 'web files')
    await writeFile(join(root, 'my-files'), `type=fileset\ntargetDir="${target}"\n`)
    const dysnomia = (operation: string) =>
      runBin('dysnomia', ['--operation', operation, '--component', setup.component, '--container', join(root, 'my-files')], {
        env: { DYSNOMIA_STATEDIR: setup.stateDir },
      })
    expect(await dysnomia('activate')).toMatchObject({ exitCode: 0 })
    await writeFile(join(target, 'files', 'data'), 'state\n')
    expect(await dysnomia('snapshot')).toMatchObject({ exitCode: 0, stdout: 'files/\nfiles/data\n' })
    expect(await dysnomia('snapshot')).toMatchObject({ exitCode: 0 })
    expect((await snapshotsTool(setup, ['--query-all', '-C', 'my-files'])).stdout.trim().split('\n')).toHaveLength(1)
    expect(await dysnomia('deactivate')).toMatchObject({ exitCode: 0 })
    expect(await dysnomia('collect-garbage')).toMatchObject({ exitCode: 0 })
    expect(await exists(join(target, 'files'))).toBe(false)
    expect(await dysnomia('activate')).toMatchObject({ exitCode: 0 })
    expect(await dysnomia('restore')).toMatchObject({ exitCode: 0 })
    expect(await readFile(join(target, 'files', 'data'), 'utf8')).toBe('state\n')
    expect((await snapshotsTool(setup, ['--query-all', '--check'])).exitCode).toBe(0)
  })

  test('a fileset without mutable directories has no state to snapshot', async () => {
    const setup = await makeComponent()
    await writeFile(join(setup.component, '.dysnomia-fileset'), `symlink ${join(setup.component, 'bin')}\ntarget static\n`)
    expect((await runModule(setup, 'activate')).exitCode).toBe(0)
    expect(await readdir(join(setup.target, 'static'))).toEqual(['bin'])
    expect(await runModule(setup, 'snapshot')).toMatchObject({
      exitCode: 0,
      stdout: '',
      stderr: 'Fileset: showfiles has no mutable directories, nothing to snapshot',
    })
    expect(await exists(join(setup.stateDir, 'snapshots'))).toBe(false)
    expect(await runModule(setup, 'restore')).toMatchObject({ exitCode: 0, stderr: '' })
    expect(await runModule(setup, 'deactivate')).toMatchObject({ exitCode: 0, stderr: '' })
    expect(await readdir(setup.target)).toEqual([])
  })

  test('snapshots large state with incompressible parts as a valid state.tar.xz, reproducibly, and restores it exactly', async () => {
    const setup = await makeComponent()
    expect((await runModule(setup, 'activate')).exitCode).toBe(0)
    const random = randomBytes(20 << 20)
    const log = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `2026-11-21 INFO request ${i} took ${i % 97} ms\n`).join(''))
    await writeFile(join(setup.target, 'files', 'blob'), random)
    await writeFile(join(setup.target, 'files', 'log'), log)
    const first = await runModule(setup, 'snapshot', { XZ_OPT: '-0' })
    expect(first).toMatchObject({ exitCode: 0, stdout: 'files/\nfiles/blob\nfiles/log', stderr: '' })
    const latest = (await snapshotsTool(setup, ['--query-latest'])).stdout.trim()
    const archive = join((await snapshotsTool(setup, ['--resolve', latest])).stdout.trim(), 'state.tar.xz')
    // The random part is stored rather than compressed, the log compressed: a little over 20 MiB.
    const size = (await lstat(archive)).size
    expect(size).toBeGreaterThan(20 << 20)
    expect(size).toBeLessThan((20 << 20) + log.length / 2)
    expect((await execa('xz', ['-t', archive])).exitCode).toBe(0)
    expect(await snapshotsTool(setup, ['--query-latest', '--check'])).toMatchObject({ exitCode: 0, stderr: '' })

    // Rewritten with the same contents: the same archive, so no new generation.
    await writeFile(join(setup.target, 'files', 'blob'), random)
    expect((await runModule(setup, 'snapshot', { XZ_OPT: '-0' })).exitCode).toBe(0)
    expect((await snapshotsTool(setup, ['--query-all'])).stdout).toBe(`${latest}\n`)

    await writeFile(join(setup.target, 'files', 'blob'), 'changed')
    expect((await runModule(setup, 'restore')).exitCode).toBe(0)
    expect((await readFile(join(setup.target, 'files', 'blob'))).equals(random)).toBe(true)
    expect((await readFile(join(setup.target, 'files', 'log'))).equals(log)).toBe(true)
  }, 60_000)

  test('snapshotCompression=none stores the archive uncompressed (still a valid .xz); other values are refused', async () => {
    const setup = await makeComponent()
    expect((await runModule(setup, 'activate')).exitCode).toBe(0)
    const log = Buffer.from(Array.from({ length: 50_000 }, (_, i) => `2026-11-21 INFO request ${i}\n`).join(''))
    await writeFile(join(setup.target, 'files', 'log'), log)
    expect(await runModule(setup, 'snapshot', { snapshotCompression: 'zstd' })).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: "Invalid snapshotCompression: 'zstd' (auto or none)",
    })
    expect(await exists(join(setup.stateDir, 'snapshots'))).toBe(false)
    expect(await runModule(setup, 'snapshot', { snapshotCompression: 'none' })).toMatchObject({ exitCode: 0, stdout: 'files/\nfiles/log' })
    const latest = (await snapshotsTool(setup, ['--query-latest'])).stdout.trim()
    const archive = join((await snapshotsTool(setup, ['--resolve', latest])).stdout.trim(), 'state.tar.xz')
    expect((await lstat(archive)).size).toBeGreaterThan(log.length)
    expect(await tarList(setup)).toEqual(['files/', 'files/log'])
    // The default compresses the same state: a different, smaller archive and a new generation.
    expect((await runModule(setup, 'snapshot')).exitCode).toBe(0)
    const all = (await snapshotsTool(setup, ['--query-all'])).stdout.trim().split('\n')
    expect(all).toHaveLength(2)
    await writeFile(join(setup.target, 'files', 'log'), 'changed')
    expect((await runModule(setup, 'restore')).exitCode).toBe(0)
    expect((await readFile(join(setup.target, 'files', 'log'))).equals(log)).toBe(true)
  })
})
