import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { nixTestEnv, runBin } from '@disnix-ts/test-utils'
import { fixtures } from '../scenarios/scenario-helpers.js'

const infrastructure = join(fixtures, 'basic', 'infrastructure.nix')

// Bad input; the formats against real targets are in scenarios/coordinator-tools.test.ts.
describe('disnix-query', () => {
  test('--help documents every option and the environment', async () => {
    const r = await runBin('disnix-query', ['--help'])
    expect(r.exitCode).toBe(0)
    for (const text of ['--format', '--profile', '--interface', '--target-property', '--xml', 'DISNIX_PROFILE', 'DISNIX_CLIENT_INTERFACE', 'DISNIX_TARGET_PROPERTY', 'SSH_OPTS', 'Exit status']) {
      expect(r.stdout).toContain(text)
    }
  })

  test('a missing infrastructure argument is refused', async () => {
    const r = await runBin('disnix-query', [])
    expect(r).toMatchObject({ exitCode: 1, stdout: '' })
    expect(r.stderr).toContain("missing required argument 'infrastructure'")
  })

  test('an unknown format is refused, naming the valid ones', async () => {
    const r = await runBin('disnix-query', ['-f', 'yaml', infrastructure])
    expect(r).toMatchObject({ exitCode: 1, stdout: '' })
    expect(r.stderr).toContain("argument 'yaml' is invalid. Allowed choices are services, containers, nix, xml, json")
    const json = await runBin('disnix-query', ['-f', 'json', infrastructure])
    expect(json).toMatchObject({ exitCode: 1, stdout: '' })
    expect(json.stderr).toContain('--format json is only available with --status')
  })

  test('a missing infrastructure file is named', async () => {
    const r = await runBin('disnix-query', ['/nonexistent/infrastructure.nix'])
    expect(r).toMatchObject({ exitCode: 1, stdout: '' })
    expect(r.stderr).toContain('The infrastructure model: /nonexistent/infrastructure.nix does not exist')
  })

  test('a target that cannot be queried is named and nothing is printed', async () => {
    const r = await runBin('disnix-query', ['--interface', 'false', infrastructure], { env: nixTestEnv() })
    expect(r).toMatchObject({ exitCode: 1, stdout: '' })
    expect(r.stderr).toContain('[target: test1]: Cannot query the installed services!')
    expect(r.stderr).toContain('[target: test2]: Cannot query the installed services!')
    expect(r.stderr).toContain('[coordinator]: Cannot query the installed services of: test1, test2')
  })
})
