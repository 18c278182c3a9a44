import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'

const dir = join(installRoot(), 'packages', 'dydisnix-cli', 'fixtures', 'augment')
const env = nixTestEnv()

describe('dydisnix-augment-infra', () => {
  test('adds what the augmentation model adds and prints the path of the result', async () => {
    const tmp = await testDir()
    const r = await runBin('dydisnix-augment-infra', ['-i', join(dir, 'infrastructure.nix'), '-a', join(dir, 'augment.nix')], { env: { ...env, TMPDIR: tmp } })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout.startsWith(`${tmp}/dydisnix-infrastructure-augmented-`)).toBe(true)
    const text = await readFile(r.stdout.trim(), 'utf8')
    expect(text).toContain('"mysql-database" = {\n        "mysqlPassword" = "secret";\n        "mysqlPort" = 3306;\n        "mysqlUsername" = "root";\n      };')
    // the result is a plain model: it evaluates on its own and names both targets
    const evaluated = await runBin('disnix-normalize-infra', [r.stdout.trim()], { env })
    expect(evaluated.exitCode, evaluated.stderr).toBe(0)
    expect(evaluated.stdout).toContain('test2')
  })

  test.each([
    ['augment-drops-properties.nix', (f: string) => `augmentation model ${f} (the infrastructure it returns): target 'test2' has no \`properties' attribute set (machine properties such as hostname live under \`properties')`],
    ['augment-not-a-function.nix', (f: string) => `augmentation model ${f}: the augmentation model must be a function {infrastructure, lib}: ..., but it is a set`],
  ])('a bad augmentation model (%s) gets a message naming the file and the attribute', async (name, message) => {
    const file = join(dir, name)
    const r = await runBin('dydisnix-augment-infra', ['-i', join(dir, 'infrastructure.nix'), '-a', file, '--stdout'], { env })
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.split('\n')[0]).toBe(`[coordinator]: ${message(file)}`)
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/)
  })
})
