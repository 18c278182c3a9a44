import { readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { installRoot } from '@disnix-ts/libmain'
import { runBin, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

const manifest = join(installRoot(), 'packages', 'libmanifest', 'fixtures', 'two-targets', 'manifest.xml')

describe('disnix-compare-manifest', () => {
  test('exit 0 for a semantically equal manifest (order and layout differ)', async () => {
    const dir = await testDir()
    const text = await readFile(manifest, 'utf8')
    const reordered = join(dir, 'reordered.xml')
    // Swap the two snapshot/service sections and squash the layout.
    await writeFile(reordered, text.replace(/\n\s*/g, '').replace('<profiles>', '\n<profiles>'))
    const result = await runBin('disnix-compare-manifest', ['-o', manifest, reordered])
    expect(result).toEqual({ stdout: '', stderr: `[coordinator]: Using previous manifest: ${manifest}\n`, exitCode: 0 })
  })

  test('exit 1 for a different manifest', async () => {
    const dir = await testDir()
    const changed = join(dir, 'changed.xml')
    await writeFile(changed, (await readFile(manifest, 'utf8')).replace('<numOfCores>2</numOfCores>', '<numOfCores>3</numOfCores>'))
    const result = await runBin('disnix-compare-manifest', ['--old-manifest', manifest, changed])
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe('')
  })

  test('exit 1 when there is no previous manifest; uses the coordinator profile otherwise', async () => {
    const dir = await testDir()
    const none = await runBin('disnix-compare-manifest', ['--coordinator-profile-path', dir, manifest])
    expect(none).toEqual({
      stdout: '',
      stderr: '[coordinator]: No previous manifest exists, so the manifests are considered different\n',
      exitCode: 1,
    })
    await symlink(manifest, join(dir, 'default'))
    const same = await runBin('disnix-compare-manifest', ['--coordinator-profile-path', dir, manifest], { env: { DISNIX_PROFILE: 'default' } })
    expect(same.exitCode).toBe(0)
    await symlink(manifest, join(dir, 'other'))
    const viaEnv = await runBin('disnix-compare-manifest', ['--coordinator-profile-path', dir, manifest], { env: { DISNIX_PROFILE: 'other' } })
    expect(viaEnv.stderr).toBe(`[coordinator]: Using previous manifest: ${join(dir, 'other')}\n`)
  })

  test('exit 2 for an invalid manifest; exit 1 for one that cannot be read, as the original', async () => {
    const dir = await testDir()
    const invalid = join(dir, 'invalid.xml')
    const text = await readFile(manifest, 'utf8')
    const at = text.lastIndexOf('<target>test2</target>')
    await writeFile(invalid, `${text.slice(0, at)}<target>test9</target>${text.slice(at + '<target>test2</target>'.length)}`)
    const result = await runBin('disnix-compare-manifest', ['-o', manifest, invalid])
    expect(result.stderr).toBe(`[coordinator]: The manifest: ${invalid} is invalid:\nService mapping: 3 contains an incorrect reference to target: test9\n`)
    expect(result.exitCode).toBe(2)
    const missing = await runBin('disnix-compare-manifest', ['-o', manifest, join(dir, 'none.xml')])
    expect(missing).toEqual({ stdout: '', stderr: `[coordinator]: The manifest file: ${join(dir, 'none.xml')} does not exist\n`, exitCode: 1 })
    const missingOld = await runBin('disnix-compare-manifest', ['-o', join(dir, 'none.xml'), manifest])
    expect(missingOld).toEqual({
      stdout: '',
      stderr: `[coordinator]: Using previous manifest: ${join(dir, 'none.xml')}\n[coordinator]: The manifest file: ${join(dir, 'none.xml')} does not exist\n`,
      exitCode: 1,
    })
    const notXml = join(dir, 'not-xml.xml')
    await writeFile(notXml, 'not a manifest')
    expect((await runBin('disnix-compare-manifest', ['-o', notXml, manifest])).exitCode).toBe(1)
  })

  test('requires a manifest argument', async () => {
    const result = await runBin('disnix-compare-manifest', [])
    expect(result.stderr).toContain("error: missing required argument 'manifest'")
    expect(result.exitCode).toBe(1)
  })
})
