import { execa } from 'execa'
import { describe, expect, test } from 'vitest'

// scripts/setup runs before the suite (scripts/test); this is what it promises users of the tools.
describe('Nix as scripts/setup leaves it', () => {
  test('evaluates and builds without NIX_CONFIG and without a word on stderr', async () => {
    const env = { ...process.env }
    delete env.NIX_CONFIG
    const evaluated = await execa('nix-instantiate', ['--eval', '-E', '1 + 1'], { env, extendEnv: false, reject: false })
    expect(evaluated).toMatchObject({ exitCode: 0, stdout: '2', stderr: '' })
    const built = await execa(
      'nix-build',
      ['--no-out-link', '-E', 'derivation { name = "setup-check"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo ok > $out" ]; }'],
      { env, extendEnv: false, reject: false },
    )
    expect(built.exitCode, built.stderr).toBe(0)
    expect(built.stdout).toMatch(/^\/nix\/store\/[a-z0-9]{32}-setup-check$/)
    expect(built.stderr).not.toMatch(/warning/)
  })
})
