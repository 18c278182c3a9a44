import { readdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { runBin, testDir } from '@disnix-ts/test-utils'

describe('disnix-tmpfile', () => {
  test('creates a file, or a directory, in TMPDIR (created when missing)', async () => {
    const tmp = join(await testDir(), 'missing', 'tmp')
    const file = await runBin('disnix-tmpfile', [], { env: { TMPDIR: tmp } })
    expect(file.exitCode, file.stderr).toBe(0)
    expect(dirname(file.stdout.trim())).toBe(tmp)
    expect((await stat(file.stdout.trim())).mode & 0o777).toBe(0o600)
    const dir = await runBin('disnix-tmpfile', ['--directory'], { env: { TMPDIR: tmp } })
    expect((await stat(dir.stdout.trim())).isDirectory()).toBe(true)
    expect((await readdir(tmp)).sort()).toHaveLength(2)
  })

  test('--for-snapshots creates the directory in the temp dir of the snapshot store', async () => {
    const state = join(await testDir(), 'state')
    const r = await runBin('disnix-tmpfile', ['--directory', '--for-snapshots'], { env: { DYSNOMIA_STATEDIR: state, TMPDIR: '/nonexistent/never' } })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^${state}/tmp/tmp\\.[A-Za-z0-9]{6}\\n$`))
    expect((await stat(r.stdout.trim())).mode & 0o777).toBe(0o700)
  })

  test('--for-snapshots without --directory is refused', async () => {
    expect(await runBin('disnix-tmpfile', ['--for-snapshots'])).toEqual({ stdout: '', stderr: 'disnix-tmpfile: --for-snapshots needs --directory\n', exitCode: 1 })
  })
})
