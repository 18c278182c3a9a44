import { cp, mkdir, readdir, readFile, readlink, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runBin, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'
import { computeOutputHash } from '../store/compute-output-hash.js'
import { createSnapshotTempDir, storeSnapshot } from '../store/store-snapshot.js'

const hash = '0123456789abcdfghijklmnpqrsvwxyz'

async function snapshots(stateDir: string, args: string[]) {
  return runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
}

/** Stores snapshots with the given ids, in order, for one component. */
async function fillStore(stateDir: string, containerName: string, componentName: string, ids: string[]): Promise<void> {
  for (const id of ids) {
    const dir = await createSnapshotTempDir(stateDir)
    await writeFile(join(dir, 'dump.sql'), `contents of ${id}\n`)
    await storeSnapshot({ stateDir, containerName, componentName }, dir, id)
  }
}

const elevenIds = Array.from({ length: 11 }, (_, i) => `snap${i + 1}`)

describe('dysnomia-snapshots', () => {
  test('without an operation it fails', async () => {
    const stateDir = await testDir()
    expect(await snapshots(stateDir, [])).toEqual({ stdout: '', stderr: 'No operation specified!\n', exitCode: 1 })
    expect(await snapshots(stateDir, ['--check'])).toEqual({ stdout: '', stderr: 'No operation specified!\n', exitCode: 1 })
  })

  test('rejects an unknown option', async () => {
    const result = await snapshots(await testDir(), ['--bogus'])
    expect(result.stderr).toContain("unknown option '--bogus'")
    expect(result.exitCode).toBe(1)
  })

  test('--help documents every option and environment variable', async () => {
    const { stdout, exitCode } = await snapshots(await testDir(), ['--help'])
    expect(exitCode).toBe(0)
    for (const option of ['--query-latest', '--query-all', '--print-missing', '--import', '--resolve', '--gc', '--check', '--container', '--component', '--keep', '--help', '--version', 'DYSNOMIA_STATEDIR', 'NIX_STORE_DIR']) {
      expect(stdout).toContain(option)
    }
  })

  test('queries print nothing for an empty store', async () => {
    const stateDir = await testDir()
    expect(await snapshots(stateDir, ['--query-all'])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    expect(await snapshots(stateDir, ['--query-latest'])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
  })

  test('--query-all lists generations in numeric order (QUIRK B.6), --query-latest the numerically latest', async () => {
    const stateDir = await testDir()
    await fillStore(stateDir, 'mysql-container', 'testdb', elevenIds)
    await fillStore(stateDir, 'fileset', 'web', ['w1'])
    const all = await snapshots(stateDir, ['--query-all'])
    expect(all).toEqual({
      stdout: ['fileset/web/w1', ...elevenIds.map((id) => `mysql-container/testdb/${id}`)].map((l) => `${l}\n`).join(''),
      stderr: '',
      exitCode: 0,
    })
    expect(await snapshots(stateDir, ['--query-latest'])).toEqual({
      stdout: 'fileset/web/w1\nmysql-container/testdb/snap11\n',
      stderr: '',
      exitCode: 0,
    })
    // The last operation wins.
    expect((await snapshots(stateDir, ['--query-all', '--query-latest'])).stdout).toBe('fileset/web/w1\nmysql-container/testdb/snap11\n')
  })

  test('filters by container name and by component name or component store path', async () => {
    const stateDir = await testDir()
    await fillStore(stateDir, 'mysql-container', 'testdb', ['a', 'b'])
    await fillStore(stateDir, 'mysql-container', 'otherdb', ['c'])
    await fillStore(stateDir, 'fileset', 'testdb', ['d'])
    expect((await snapshots(stateDir, ['--query-all', '-C', 'mysql-container'])).stdout).toBe(
      'mysql-container/otherdb/c\nmysql-container/testdb/a\nmysql-container/testdb/b\n',
    )
    expect((await snapshots(stateDir, ['--query-all', '--component', `/nix/store/${hash}-testdb`])).stdout).toBe(
      'fileset/testdb/d\nmysql-container/testdb/a\nmysql-container/testdb/b\n',
    )
    expect((await snapshots(stateDir, ['--query-latest', '--container', 'mysql-container', '-c', 'testdb'])).stdout).toBe('mysql-container/testdb/b\n')
    expect((await snapshots(stateDir, ['--query-all', '-C', 'nothing'])).stdout).toBe('')
    expect((await snapshots(stateDir, ['--query-all', '-C', 'mysql-container/testdb'])).stdout).toBe('')
  })

  test('--print-missing prints the operands that are not in the store', async () => {
    const stateDir = await testDir()
    await fillStore(stateDir, 'mysql-container', 'testdb', ['a'])
    expect(await snapshots(stateDir, ['--print-missing', 'mysql-container/testdb/a', 'mysql-container/testdb/foo', 'x/y/z'])).toEqual({
      stdout: 'mysql-container/testdb/foo\nx/y/z\n',
      stderr: '',
      exitCode: 0,
    })
    expect(await snapshots(stateDir, ['--print-missing'])).toEqual({ stdout: '', stderr: '', exitCode: 0 })
  })

  test('--resolve prints absolute paths', async () => {
    const stateDir = await testDir()
    expect(await snapshots(stateDir, ['--resolve', 'mysql-container/testdb/a', 'fileset/web/b'])).toEqual({
      stdout: `${stateDir}/snapshots/mysql-container/testdb/a\n${stateDir}/snapshots/fileset/web/b\n`,
      stderr: '',
      exitCode: 0,
    })
    expect(await snapshots(stateDir, ['--resolve', 'a/../../etc'])).toEqual({
      stdout: '',
      stderr: "Invalid relative snapshot path: 'a/../../etc' (expected <container>/<component>/<id>)\n",
      exitCode: 1,
    })
    expect(await snapshots(stateDir, ['--print-missing', 'testdb/a'])).toEqual({
      stdout: '',
      stderr: "Invalid relative snapshot path: 'testdb/a' (expected <container>/<component>/<id>)\n",
      exitCode: 1,
    })
  })

  test('--gc keeps the latest generation, and a snapshot that a kept generation refers to', async () => {
    const stateDir = await testDir()
    await fillStore(stateDir, 'mysql-container', 'testdb', ['a', 'b', 'a'])
    await fillStore(stateDir, 'fileset', 'web', ['w1'])
    const gc = await snapshots(stateDir, ['--gc'])
    expect(gc).toEqual({
      stdout: '',
      stderr:
        'Removing old generation symlink: mysql-container/testdb/1\n' +
        'Removing old generation symlink: mysql-container/testdb/2\n' +
        'Removing old snapshot: mysql-container/testdb/b\n',
      exitCode: 0,
    })
    expect((await snapshots(stateDir, ['--query-all'])).stdout).toBe('fileset/web/w1\nmysql-container/testdb/a\n')
    expect(await readdir(join(stateDir, 'snapshots/mysql-container/testdb'))).toEqual(['a'])
    expect(await readdir(join(stateDir, 'checksums/mysql-container/testdb'))).toEqual(['a'])
    expect(await readlink(join(stateDir, 'generations/mysql-container/testdb/3'))).toBe('../../../snapshots/mysql-container/testdb/a')
  })

  test('--gc --keep N keeps N generations; --keep 0 removes everything of the selected component', async () => {
    const stateDir = await testDir()
    await fillStore(stateDir, 'mysql-container', 'testdb', ['a', 'b', 'c'])
    await fillStore(stateDir, 'fileset', 'web', ['w1', 'w2'])
    const keep2 = await snapshots(stateDir, ['--gc', '--keep', '2', '-C', 'mysql-container'])
    expect(keep2.stderr).toBe('Removing old generation symlink: mysql-container/testdb/1\nRemoving old snapshot: mysql-container/testdb/a\n')
    expect((await snapshots(stateDir, ['--query-all'])).stdout).toBe('fileset/web/w1\nfileset/web/w2\nmysql-container/testdb/b\nmysql-container/testdb/c\n')

    const keep0 = await snapshots(stateDir, ['--gc', '--keep', '0', '-c', 'testdb'])
    expect(keep0.exitCode).toBe(0)
    expect((await snapshots(stateDir, ['--query-all'])).stdout).toBe('fileset/web/w1\nfileset/web/w2\n')
    for (const area of ['generations', 'snapshots', 'checksums']) expect(await readdir(join(stateDir, area))).toEqual(['fileset'])

    expect(await snapshots(stateDir, ['--gc', '--keep', 'many'])).toMatchObject({ exitCode: 1 })
    expect((await snapshots(stateDir, ['--gc', '--keep', 'many'])).stderr).toContain("option '--keep <n>' argument 'many' is invalid")
  })

  test('--import moves snapshots into the store and registers generations', async () => {
    const stateDir = await testDir()
    const outside = await testDir()
    expect(await snapshots(stateDir, ['--import', '-c', 'testdb', join(outside, 'x')])).toEqual({ stdout: '', stderr: 'ERROR: No container specified!\n', exitCode: 1 })
    expect(await snapshots(stateDir, ['--import', '-C', 'mysql-container', join(outside, 'x')])).toEqual({ stdout: '', stderr: 'ERROR: No component specified!\n', exitCode: 1 })
    expect(await snapshots(stateDir, ['--import', '-C', 'mysql-container', '-c', 'testdb', join(outside, 'missing')])).toEqual({
      stdout: '',
      stderr: `Snapshot: ${join(outside, 'missing')} is not a directory!\n`,
      exitCode: 1,
    })
    expect(await readdir(stateDir)).toEqual([])

    for (const id of ['one', 'two']) {
      await mkdir(join(outside, id))
      await writeFile(join(outside, id, 'dump.sql'), `dump ${id}`)
    }
    const imported = await snapshots(stateDir, ['--import', '-C', `/nix/store/${hash}-mysql-container`, '-c', `/nix/store/${hash}-testdb`, join(outside, 'one'), join(outside, 'two')])
    expect(imported).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    expect(await readdir(outside)).toEqual([])
    expect((await snapshots(stateDir, ['--query-all'])).stdout).toBe('mysql-container/testdb/one\nmysql-container/testdb/two\n')
    expect(await readFile(join(stateDir, 'checksums/mysql-container/testdb/one'), 'utf8')).toBe(await computeOutputHash(join(stateDir, 'snapshots/mysql-container/testdb/one')))

    // A path already in the store is only registered (nothing happens when it is the latest already).
    const inStore = join(stateDir, 'snapshots/mysql-container/testdb/one')
    expect((await snapshots(stateDir, ['--import', '-C', 'mysql-container', '-c', 'testdb', inStore])).exitCode).toBe(0)
    expect((await snapshots(stateDir, ['--query-all'])).stdout).toBe('mysql-container/testdb/one\nmysql-container/testdb/two\nmysql-container/testdb/one\n')
    expect((await snapshots(stateDir, ['--import', '-C', 'mysql-container', '-c', 'testdb', inStore])).exitCode).toBe(0)
    expect((await snapshots(stateDir, ['--query-all'])).stdout.split('\n')).toHaveLength(4)

    // A copy of a stored snapshot is dropped; a different snapshot with the same id is refused.
    await cp(join(stateDir, 'snapshots/mysql-container/testdb/two'), join(outside, 'two'), { recursive: true })
    expect((await snapshots(stateDir, ['--import', '-C', 'mysql-container', '-c', 'testdb', join(outside, 'two')])).exitCode).toBe(0)
    expect(await readdir(outside)).toEqual([])
    await mkdir(join(outside, 'two'))
    await writeFile(join(outside, 'two', 'dump.sql'), 'something else')
    const conflict = await snapshots(stateDir, ['--import', '-C', 'mysql-container', '-c', 'testdb', join(outside, 'two')])
    expect(conflict.stderr).toBe(`Snapshot: ${join(outside, 'two')} differs from the snapshot with the same id in the store: ${join(stateDir, 'snapshots/mysql-container/testdb/two')}\n`)
    expect(conflict.exitCode).toBe(1)
  })

  test('--check verifies every snapshot and names each modified or truncated one', async () => {
    const stateDir = await testDir()
    await fillStore(stateDir, 'mysql-container', 'testdb', ['a', 'b', 'c'])
    expect(await snapshots(stateDir, ['--query-all', '--check'])).toEqual({
      stdout: 'mysql-container/testdb/a\nmysql-container/testdb/b\nmysql-container/testdb/c\n',
      stderr: '',
      exitCode: 0,
    })

    const expectedA = await readFile(join(stateDir, 'checksums/mysql-container/testdb/a'), 'utf8')
    const expectedB = await readFile(join(stateDir, 'checksums/mysql-container/testdb/b'), 'utf8')
    await writeFile(join(stateDir, 'snapshots/mysql-container/testdb/a/dump.sql'), 'junk')
    await truncate(join(stateDir, 'snapshots/mysql-container/testdb/b/dump.sql'), 3)
    const computedA = await computeOutputHash(join(stateDir, 'snapshots/mysql-container/testdb/a'))
    const computedB = await computeOutputHash(join(stateDir, 'snapshots/mysql-container/testdb/b'))
    expect(await snapshots(stateDir, ['--query-all', '--check'])).toEqual({
      stdout: 'mysql-container/testdb/a\nmysql-container/testdb/b\nmysql-container/testdb/c\n',
      stderr:
        `Checksum mismatch detected for snapshot: mysql-container/testdb/a, we have: '${computedA}', we expect: '${expectedA}'\n` +
        `Checksum mismatch detected for snapshot: mysql-container/testdb/b, we have: '${computedB}', we expect: '${expectedB}'\n`,
      exitCode: 1,
    })
    // Only the latest is checked by --query-latest.
    expect(await snapshots(stateDir, ['--query-latest', '--check'])).toEqual({ stdout: 'mysql-container/testdb/c\n', stderr: '', exitCode: 0 })

    await rm(join(stateDir, 'checksums/mysql-container/testdb/c'))
    expect(await snapshots(stateDir, ['--query-latest', '--check'])).toEqual({
      stdout: 'mysql-container/testdb/c\n',
      stderr: 'WARNING: no checksum found for snapshot: mysql-container/testdb/c\n',
      exitCode: 0,
    })
  })

  test('--check reports a snapshot that disappeared from the store', async () => {
    const stateDir = await testDir()
    await fillStore(stateDir, 'fileset', 'web', ['a'])
    const expected = await readFile(join(stateDir, 'checksums/fileset/web/a'), 'utf8')
    await rm(join(stateDir, 'snapshots/fileset/web/a'), { recursive: true })
    expect(await snapshots(stateDir, ['--query-all', '--check'])).toEqual({
      stdout: 'fileset/web/a\n',
      stderr: `Snapshot missing from the store: fileset/web/a, we expect: '${expected}'\n`,
      exitCode: 1,
    })
  })
})
