import { readFile, realpath, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { installRoot } from '@disnix-ts/libmain'
import { buildTestClosure, nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

const fixtures = join(installRoot(), 'packages', 'libmanifest', 'fixtures', 'v1-manifest')
const v1 = join(fixtures, 'manifest.xml')

describe('disnix-convert-manifest', () => {
  test('prints a version 1 manifest as a Nix deployment model, with a Nix infrastructure model', async () => {
    const result = await runBin('disnix-convert-manifest', ['-i', join(fixtures, 'infrastructure.nix'), v1], { env: nixTestEnv() })
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('"test2" = builtins.storePath /nix/store/22222222222222222222222222222222-test2;')
    expect(result.stdout).toContain('"serviceMappings" = [\n    {\n      "service" = "k1";\n      "container" = "echo";\n      "target" = "test1";\n    }')
    expect(result.stdout).toContain('"snapshotMappings" = [\n    {\n      "service" = "k1";\n      "component" = "testService1";')
    expect(result.stdout).toContain('"targetProperty" = "hostname";\n      "numOfCores" = 1;')
  })

  test('reads infrastructure XML with --xml', async () => {
    const result = await runBin('disnix-convert-manifest', ['--xml', '-i', join(fixtures, 'infrastructure.xml'), v1])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('"k3" = {\n      "name" = "testService3";')
  })

  test('fails when a target key matches no machine of the infrastructure', async () => {
    const dir = await testDir()
    const infra = join(dir, 'infrastructure.nix')
    await writeFile(infra, '{ test1 = { properties.hostname = "test1.example.org"; }; test2 = { properties.hostname = "elsewhere"; }; }')
    const result = await runBin('disnix-convert-manifest', ['-i', infra, v1], { env: nixTestEnv() })
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe("[coordinator]: I don't know how to map target: test2.example.org to any machine in the infrastructure model!\n")
    expect(result.exitCode).toBe(1)
  })

  test('accepts only version 1 manifests', async () => {
    const dir = await testDir()
    const v2 = join(dir, 'manifest.xml')
    await writeFile(v2, '<manifest version="2"/>')
    const result = await runBin('disnix-convert-manifest', ['--xml', '-i', join(fixtures, 'infrastructure.xml'), v2])
    expect(result.stderr).toBe('[coordinator]: Please provide a manifest file that uses the V1 structure!\n')
    expect(result.exitCode).toBe(1)
  })

  test('without a manifest, uses the coordinator profile and says when there is none', async () => {
    const dir = await testDir()
    const result = await runBin('disnix-convert-manifest', ['--coordinator-profile-path', dir, '--xml', '-i', join(fixtures, 'infrastructure.xml')])
    expect(result.stderr).toBe('[coordinator]: No manifest was given and the coordinator profile holds no previous manifest to convert\n')
    expect(result.exitCode).toBe(1)
  })

  test('requires the infrastructure model', async () => {
    const result = await runBin('disnix-convert-manifest', [v1])
    expect(result.stderr).toContain("error: required option '-i, --infrastructure <file>' not specified")
    expect(result.exitCode).toBe(1)
  })
})

describe('disnix-convert', () => {
  test('stops at the conversion step with its message when the manifest is not version 1', async () => {
    const dir = await testDir()
    const v2 = join(dir, 'manifest.xml')
    await writeFile(v2, '<manifest version="2"/>')
    const result = await runBin('disnix-convert', ['-i', join(fixtures, 'infrastructure.nix'), '--coordinator-profile-path', dir, v2], { env: nixTestEnv() })
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('[coordinator]: Converting old profile manifest...\n')
    // The conversion step's own message, once: no second message about the failed step.
    expect(result.stderr).toBe('[coordinator]: Converting old profile manifest...\n[coordinator]: Please provide a manifest file that uses the V1 structure!\n')
    expect(result.stderr).not.toContain('Building converted deployment model')
    expect(result.exitCode).toBe(1)
  })

  test('--no-target-profiles converts and sets only the coordinator profile (the original failed with exit 127)', async () => {
    const dir = await testDir()
    // The version 1 manifest of the fixture, its store paths replaced by real ones.
    const closure = await buildTestClosure()
    const real: Record<string, string> = { '1': closure.service, '2': closure.conf, '3': closure.lib, '4': closure.lib, '5': closure.conf }
    const text = (await readFile(v1, 'utf8')).replace(/\/nix\/store\/([1-5])\1{31}-[A-Za-z0-9]+/g, (_, digit: string) => real[digit] as string)
    await writeFile(join(dir, 'manifest.xml'), text)
    const result = await runBin(
      'disnix-convert',
      ['-i', join(fixtures, 'infrastructure.nix'), '--coordinator-profile-path', dir, '--no-target-profiles', join(dir, 'manifest.xml')],
      { env: nixTestEnv() },
    )
    expect(result.exitCode, result.stderr).toBe(0)
    const converted = await readFile(await realpath(join(dir, 'default')), 'utf8')
    expect(converted).toContain(`<profiles><profile name="test1">${closure.service}</profile><profile name="test2">${closure.conf}</profile></profiles>`)
    expect(result.stderr).not.toContain('Setting Disnix profile')
  })

  test('documents its steps in --help', async () => {
    const result = await runBin('disnix-convert', ['--help'])
    expect(result.stdout).toContain('disnix-convert-manifest')
    expect(result.stdout).toContain('--no-target-profiles')
    expect(result.stdout).toContain('DISNIX_TARGET_PROPERTY')
    expect(result.exitCode).toBe(0)
  })
})
