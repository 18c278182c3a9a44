import { readFileSync } from 'node:fs'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { installRoot } from '@disnix-ts/libmain'
import { runBin, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

const fixtures = join(installRoot(), 'packages', 'libmanifest', 'fixtures', 'two-targets')
const manifest = join(fixtures, 'manifest.xml')

describe('disnix-visualize', () => {
  test('prints the dot graph of a manifest', async () => {
    const result = await runBin('disnix-visualize', [manifest])
    expect(result).toEqual({ stdout: readFileSync(join(fixtures, 'graph.dot'), 'utf8'), stderr: '', exitCode: 0 })
  })

  test('--no-containers leaves out the container clusters', async () => {
    const result = await runBin('disnix-visualize', ['--no-containers', manifest])
    expect(result.stdout).toBe(readFileSync(join(fixtures, 'graph-no-containers.dot'), 'utf8'))
    expect(result.exitCode).toBe(0)
  })

  test('--format png renders a PNG with Graphviz', async () => {
    const dir = await testDir()
    const out = join(dir, 'graph.png')
    const { execa } = await import('execa')
    await execa(join(installRoot(), 'bin', 'disnix-visualize'), ['--format', 'png', manifest], { stdout: { file: out } })
    const png = await readFile(out)
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  })

  test('--format svg renders an SVG document with Graphviz', async () => {
    const result = await runBin('disnix-visualize', ['--format', 'svg', manifest])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/<svg[\s\S]*testService2[\s\S]*<\/svg>\s*$/)
  })

  test('says clearly that Graphviz is missing when dot is not on PATH', async () => {
    const dir = await testDir()
    await symlink(process.execPath, join(dir, 'node'))
    const result = await runBin('disnix-visualize', ['--format', 'svg', manifest], { env: { PATH: dir } })
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain("[coordinator]: Cannot render the graph as svg: Graphviz's dot is not installed (not found on PATH)")
    expect(result.stderr).toContain('hint: install Graphviz')
    expect(result.exitCode).toBe(1)
  })

  test('falls back to the coordinator profile, and says so when there is none', async () => {
    const dir = await testDir()
    const none = await runBin('disnix-visualize', ['--coordinator-profile-path', dir])
    expect(none).toEqual({
      stdout: '',
      stderr: '[coordinator]: No previous manifest file exists, so no visualization will be provided!\nhint: give a manifest file, or deploy first (disnix-env)\n',
      exitCode: 1,
    })
    const png = await runBin('disnix-visualize', ['-f', 'png', '--coordinator-profile-path', dir])
    expect(png).toMatchObject({ stdout: '', exitCode: 1 })
    await mkdir(join(dir, 'profiles'))
    await symlink(manifest, join(dir, 'profiles', 'myprofile'))
    const found = await runBin('disnix-visualize', ['-p', 'myprofile', '--coordinator-profile-path', join(dir, 'profiles')])
    expect(found.stdout).toBe(readFileSync(join(fixtures, 'graph.dot'), 'utf8'))
  })

  test('rejects an invalid manifest and an unknown format', async () => {
    const dir = await testDir()
    const bad = join(dir, 'manifest.xml')
    await writeFile(bad, '<manifest version="1"/>')
    const result = await runBin('disnix-visualize', [bad])
    expect(result.stderr).toBe(
      '[coordinator]: Disnix requires a manifest that uses the version 2 structure!\nhint: You can convert an old V1 version manifest file by running disnix-convert!\n',
    )
    expect(result.exitCode).toBe(1)
    const format = await runBin('disnix-visualize', ['--format', 'gif', manifest])
    expect(format.stderr).toContain("option '-f, --format <format>' argument 'gif' is invalid")
    expect(format.exitCode).toBe(1)
  })
})
