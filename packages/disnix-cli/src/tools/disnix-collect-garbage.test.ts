import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'
import { fixtures } from '../scenarios/scenario-helpers.js'

const infrastructure = join(fixtures, 'basic', 'infrastructure.nix')

// Bad input of the infrastructure-driven tools; their work on real targets is in scenarios/coordinator-tools.test.ts.
describe.each(['disnix-collect-garbage', 'disnix-capture-infra', 'disnix-capture-manifest', 'disnix-reconstruct'])('%s', (tool) => {
  test('--help documents the options, the environment and the exit status', async () => {
    const r = await runBin(tool, ['--help'])
    expect(r.exitCode).toBe(0)
    for (const text of ['--interface', '--target-property', '--xml', 'DISNIX_CLIENT_INTERFACE', 'DISNIX_TARGET_PROPERTY', 'SSH_OPTS', 'Environment:', 'Exit status:']) {
      expect(r.stdout).toContain(text)
    }
  })

  test('a missing infrastructure argument is refused', async () => {
    const r = await runBin(tool, [])
    expect(r).toMatchObject({ exitCode: 1, stdout: '' })
    expect(r.stderr).toContain("missing required argument 'infrastructure'")
  })

  test('a missing infrastructure file is named', async () => {
    const r = await runBin(tool, ['/nonexistent/infra.nix'])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('/nonexistent/infra.nix')
  })
})

describe('failing targets are named', () => {
  test('disnix-collect-garbage', async () => {
    const r = await runBin('disnix-collect-garbage', ['--interface', 'false', infrastructure], { env: nixTestEnv() })
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('[target: test1]: Cannot collect garbage!')
    expect(r.stderr).toContain('[coordinator]: Garbage collection failed on: test1, test2')
  })

  test('disnix-capture-infra prints the expression without them and fails', async () => {
    const r = await runBin('disnix-capture-infra', ['--interface', 'false', infrastructure], { env: nixTestEnv() })
    expect(r).toMatchObject({ exitCode: 1, stdout: '{\n}\n' })
    expect(r.stderr).toContain('[coordinator]: Cannot capture the configuration of: test1, test2')
  })

  test('disnix-capture-manifest reports them and prints nothing when no target is left', async () => {
    const r = await runBin('disnix-capture-manifest', ['--interface', 'false', infrastructure], { env: nixTestEnv() })
    expect(r).toMatchObject({ exitCode: 1, stdout: '' })
    expect(r.stderr).toContain('[target: test2]: Cannot query the profile: default!')
    expect(r.stderr).toContain('[coordinator]: Cannot capture the deployment: no target has the profile: default (failed: test1, test2)')
  })

  test('disnix-reconstruct stops when nothing can be captured and records nothing', async () => {
    const dir = await testDir()
    const r = await runBin('disnix-reconstruct', ['--interface', 'false', '--coordinator-profile-path', join(dir, 'coordinator'), infrastructure], { env: nixTestEnv() })
    expect(r.exitCode).toBe(1)
    // The capture step says why itself, once; reconstruct adds no second message.
    expect(r.stderr).toMatch(/\[coordinator\]: Cannot capture the deployment: no target has the profile: default \(failed: test1, test2\)\n$/)
    expect(r.stderr).not.toContain('capturing the deployed manifest failed')
    expect(r.stderr).not.toContain('Building captured deployment model')
    expect(existsSync(join(dir, 'coordinator'))).toBe(false)
  })
})
