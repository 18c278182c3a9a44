import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'
import { FIXTURES } from '../models/manifest-test-helpers.js'

const env = nixTestEnv()

describe('disnix-gendist-roundrobin', () => {
  test('maps the sorted services to the sorted targets in turn', async () => {
    const cwd = await testDir()
    const result = await runBin(
      'disnix-gendist-roundrobin',
      ['-s', join(FIXTURES, 'basic', 'services.nix'), '-i', join(FIXTURES, 'basic', 'infrastructure.nix')],
      { env, cwd },
    )
    expect(result).toMatchObject({ exitCode: 0, stderr: '' })
    const path = result.stdout.trim()
    expect(path).toMatch(/^\/nix\/store\/[a-z0-9]{32}-distribution\.nix$/)
    const expected = [
      '{infrastructure}:',
      '',
      '{',
      '  testService1 = [ infrastructure.test1 ];',
      '  testService2 = [ infrastructure.test2 ];',
      '  testService3 = [ infrastructure.test1 ];',
      '}',
      '',
    ].join('\n')
    expect(await readFile(path, 'utf8')).toBe(expected)
    expect(await readFile(join(cwd, 'result'), 'utf8')).toBe(expected)

    // The generated model is a valid distribution model.
    const manifest = await runBin(
      'disnix-manifest',
      ['-s', join(FIXTURES, 'basic', 'services.nix'), '-i', join(FIXTURES, 'basic', 'infrastructure.nix'), '-d', path, '--no-out-link'],
      { env, cwd },
    )
    expect(manifest.exitCode).toBe(0)
  })

  test('passes the extra params that the services model declares', async () => {
    const cwd = await testDir()
    const result = await runBin(
      'disnix-gendist-roundrobin',
      ['-s', join(FIXTURES, 'target-options', 'services.nix'), '-i', join(FIXTURES, 'basic', 'infrastructure.nix'), '--extra-params', '{ prefix = "p"; other = 1; }', '--no-out-link'],
      { env, cwd },
    )
    expect(result.exitCode).toBe(0)
    expect(await readFile(result.stdout.trim(), 'utf8')).toContain('  greeter = [ infrastructure.test1 ];\n  inventory = [ infrastructure.test2 ];\n  tools = [ infrastructure.test1 ];\n')
  })

  test('requires both models and names a bad one', async () => {
    const cwd = await testDir()
    const missing = await runBin('disnix-gendist-roundrobin', ['-s', join(FIXTURES, 'basic', 'services.nix')], { env, cwd })
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain("required option '-i, --infrastructure <file>' not specified")
    await writeFile(join(cwd, 'services.nix'), '{ system, pkgs, distribution, invDistribution }: { a = ; }\n')
    const bad = await runBin('disnix-gendist-roundrobin', ['-s', 'services.nix', '-i', join(FIXTURES, 'basic', 'infrastructure.nix')], { env, cwd })
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr).toMatch(/^\[coordinator\]: syntax error, unexpected ';'[\s\S]*services\.nix:1:/)
  })
})
