import { lstat, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { describe, expect, onTestFinished, test } from 'vitest'
import { computeOutputHash } from './compute-output-hash.js'
import { determineLastSnapshot } from './generations.js'
import { createSnapshotTempDir, storeSnapshot, writeSnapshot } from './store-snapshot.js'
import type { StoreContext } from './store-paths.js'

const util = join(bundledModulesDir(), 'lib', 'util')

/** Runs `script` in bash after sourcing the util library with the context's names set. */
async function bashUtil(ctx: StoreContext, script: string, args: string[] = []) {
  return execa('bash', ['-c', `set -e -o pipefail; source "$0"; containerName="$1"; componentName="$2"; shift 2; ${script}`, util, ctx.containerName, ctx.componentName, ...args], {
    env: { DYSNOMIA_STATEDIR: ctx.stateDir },
    reject: false,
    stdin: 'ignore',
  })
}

async function listTree(dir: string): Promise<string[]> {
  const out: string[] = []
  async function walk(relative: string): Promise<void> {
    for (const name of (await readdir(join(dir, relative))).sort()) {
      const path = relative === '' ? name : `${relative}/${name}`
      const info = await lstat(join(dir, path))
      if (info.isSymbolicLink()) out.push(`${path} -> ${await readlink(join(dir, path))}`)
      else if (info.isDirectory()) {
        out.push(`${path}/`)
        await walk(path)
      } else out.push(`${path}: ${await readFile(join(dir, path), 'utf8')}`)
    }
  }
  await walk('')
  return out
}

async function payload(stateDir: string, content: string): Promise<string> {
  const dir = await createSnapshotTempDir(stateDir)
  await writeFile(join(dir, 'dump.sql'), content)
  return dir
}

describe('storeSnapshot', () => {
  test('stores a payload, registers generations A, B, A and keeps identical snapshots once', async () => {
    const stateDir = await testDir()
    const ctx = { stateDir, containerName: 'mysql-database', componentName: 'testdb' }
    const first = await storeSnapshot(ctx, await payload(stateDir, 'A'), 'aaaa')
    expect(first).toEqual({ id: 'aaaa', path: join(stateDir, 'snapshots/mysql-database/testdb/aaaa'), added: true, generation: 1 })
    expect(await storeSnapshot(ctx, await payload(stateDir, 'A'), 'aaaa')).toMatchObject({ added: false, generation: undefined })
    expect(await storeSnapshot(ctx, await payload(stateDir, 'B'), 'bbbb')).toMatchObject({ added: true, generation: 2 })
    expect(await storeSnapshot(ctx, await payload(stateDir, 'A'), 'aaaa')).toMatchObject({ added: false, generation: 3 })

    expect(await listTree(stateDir)).toEqual([
      'checksums/',
      'checksums/mysql-database/',
      'checksums/mysql-database/testdb/',
      `checksums/mysql-database/testdb/aaaa: ${await computeOutputHash(join(stateDir, 'snapshots/mysql-database/testdb/aaaa'))}`,
      `checksums/mysql-database/testdb/bbbb: ${await computeOutputHash(join(stateDir, 'snapshots/mysql-database/testdb/bbbb'))}`,
      'generations/',
      'generations/mysql-database/',
      'generations/mysql-database/testdb/',
      'generations/mysql-database/testdb/1 -> ../../../snapshots/mysql-database/testdb/aaaa',
      'generations/mysql-database/testdb/2 -> ../../../snapshots/mysql-database/testdb/bbbb',
      'generations/mysql-database/testdb/3 -> ../../../snapshots/mysql-database/testdb/aaaa',
      'snapshots/',
      'snapshots/mysql-database/',
      'snapshots/mysql-database/testdb/',
      'snapshots/mysql-database/testdb/aaaa/',
      'snapshots/mysql-database/testdb/aaaa/dump.sql: A',
      'snapshots/mysql-database/testdb/bbbb/',
      'snapshots/mysql-database/testdb/bbbb/dump.sql: B',
      'tmp/',
    ])
    expect(await determineLastSnapshot(ctx)).toBe(join(stateDir, 'snapshots/mysql-database/testdb/aaaa'))
  })

  test('writes the same store as the bash library, byte for byte', async () => {
    const tsState = await testDir()
    const bashState = await testDir()
    const names = { containerName: 'fileset', componentName: 'web' }
    for (const [id, content] of [['aaaa', 'A'], ['aaaa', 'A'], ['bbbb', 'B'], ['aaaa', 'A']] as const) {
      await storeSnapshot({ stateDir: tsState, ...names }, await payload(tsState, content), id)
      const result = await bashUtil({ stateDir: bashState, ...names }, 'tmp="$(createSnapshotTempDir)"; printf %s "$2" > "$tmp/dump.sql"; storeSnapshot "$tmp" "$1"', [id, content])
      expect(result.stderr).toBe('')
      expect(result.exitCode).toBe(0)
    }
    expect(await listTree(bashState)).toEqual(await listTree(tsState))
    const bashLast = await bashUtil({ stateDir: bashState, ...names }, 'determineLastSnapshot')
    expect(bashLast.stdout).toBe(join(bashState, 'snapshots/fileset/web/aaaa'))
  })

  test('a snapshot whose payload write fails leaves nothing under snapshots/', async () => {
    const stateDir = await testDir()
    const ctx = { stateDir, containerName: 'fileset', componentName: 'web' }
    await expect(
      writeSnapshot(ctx, async (dir) => {
        await writeFile(join(dir, 'half-written'), 'partial')
        throw new Error('disk full')
      }),
    ).rejects.toThrow('disk full')
    expect(await readdir(stateDir)).toEqual(['tmp'])
    expect(await readdir(join(stateDir, 'tmp'))).toEqual([])

    // The same with the bash library: a module that fails while writing its dump.
    const result = await bashUtil(ctx, 'tmp="$(createSnapshotTempDir)"; echo partial > "$tmp/dump.sql"; false; storeSnapshot "$tmp" x')
    expect(result.exitCode).toBe(1)
    expect(await readdir(stateDir)).toEqual(['tmp'])
  })

  test('moves a payload from another file system by staging a copy in the state dir', async () => {
    const stateDir = await testDir()
    const ctx = { stateDir, containerName: 'fileset', componentName: 'web' }
    // /dev/shm is a tmpfs, a different file system from the temp dir on most machines; the result must
    // be the same either way.
    const elsewhere = await execa('mktemp', ['-d', '-p', '/dev/shm'])
    const source = elsewhere.stdout
    onTestFinished(() => rm(source, { recursive: true, force: true }))
    await mkdir(join(source, 'sub'))
    await writeFile(join(source, 'sub', 'data'), 'D')
    const stored = await storeSnapshot(ctx, source, 'cccc')
    expect(stored.added).toBe(true)
    expect(await readFile(join(stateDir, 'snapshots/fileset/web/cccc/sub/data'), 'utf8')).toBe('D')
    await expect(lstat(source)).rejects.toThrow('ENOENT')
    expect(await readdir(join(stateDir, 'tmp'))).toEqual([])
  })

  test('refuses a snapshot id that is not a single name', async () => {
    const stateDir = await testDir()
    const ctx = { stateDir, containerName: 'fileset', componentName: 'web' }
    await expect(storeSnapshot(ctx, await payload(stateDir, 'A'), '../escape')).rejects.toThrow("Invalid snapshot name for the snapshot store: '../escape'")
    const result = await bashUtil(ctx, 'tmp="$(createSnapshotTempDir)"; storeSnapshot "$tmp" ../escape')
    expect(result.stderr).toBe("Invalid snapshot id: '../escape'")
    expect(result.exitCode).toBe(1)
  })
})
