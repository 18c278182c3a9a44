import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseInfrastructureXml } from '@disnix-ts/libinfrastructure'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'
import { parseNixXml } from '@disnix-ts/libxmlmodel'
import { FIXTURES, readXml, select, textOf } from '../models/manifest-test-helpers.js'

const env = nixTestEnv()
const infrastructure = join(FIXTURES, 'target-options', 'infrastructure.nix')

describe('disnix-normalize-infra', () => {
  test('prints the infrastructure XML with defaults filled in', async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-normalize-infra', [infrastructure], { env, cwd })
    expect(result).toMatchObject({ exitCode: 0, stderr: '' })
    expect(result.stdout).toMatch(/^<\?xml version="1\.0"\?>\n\n {2}<infrastructure version="2"><target name="test1">[^\n]*<\/infrastructure>\n\n$/)
    const parsed = parseInfrastructureXml(result.stdout)
    expect(parsed.test1).toMatchObject({ targetProperty: 'address', clientInterface: 'disnix-client', numOfCores: 4 })
    expect(parsed.test2).toMatchObject({ targetProperty: 'hostname', clientInterface: 'disnix-ssh-client', numOfCores: 1, containers: { process: {} } })
    expect(parsed.test2!.properties).toEqual({ hostname: 'test2' })
  })

  test('--interface and DISNIX_CLIENT_INTERFACE set the default client interface', async () => {
    const cwd = await testDir()
    const viaOption = await runBin('disnix-normalize-infra', ['--interface', 'other-client', join(FIXTURES, 'basic', 'infrastructure.nix')], { env, cwd })
    const viaEnv = await runBin('disnix-normalize-infra', [join(FIXTURES, 'basic', 'infrastructure.nix')], { env: { ...env, DISNIX_CLIENT_INTERFACE: 'other-client' }, cwd })
    expect(viaEnv.stdout).toBe(viaOption.stdout)
    expect(parseInfrastructureXml(viaOption.stdout).test1!.clientInterface).toBe('other-client')
  })

  test("--raw prints Nix's own XML of the normalized model", async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-normalize-infra', ['--raw', infrastructure], { env, cwd })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/^<\?xml version='1\.0' encoding='utf-8'\?>\n<expr>/)
    const value = parseNixXml(result.stdout) as Record<string, Record<string, unknown>>
    expect(value.test2).toMatchObject({ numOfCores: 1, targetProperty: 'hostname', clientInterface: 'disnix-ssh-client' })
  })

  test('fails with the model file and target for a bad infrastructure', async () => {
    const cwd = await testDir()
    const file = join(FIXTURES, 'bad', 'missing-target-property', 'infrastructure.nix')
    const result = await runBin('disnix-normalize-infra', [file], { env, cwd })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`[coordinator]: infrastructure model ${file}: target 'test2' has no property 'hostname' in its properties`)
    const missing = await runBin('disnix-normalize-infra', ['nope.nix'], { env, cwd })
    expect(missing.stderr).toBe(`[coordinator]: The infrastructure model file: ${join(cwd, 'nope.nix')} does not exist\n`)
  })

  test('each target has the elements of a manifest target, in order', async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-normalize-infra', [join(FIXTURES, 'basic', 'infrastructure.nix')], { env, cwd })
    const file = join(cwd, 'infrastructure.xml')
    await writeFile(file, result.stdout)
    const targets = select(readXml(file), 'target')
    expect(targets.map((t) => t.attributes.name)).toEqual(['test1', 'test2'])
    expect(targets[0]!.children.map((c) => c.name)).toEqual(['properties', 'containers', 'system', 'numOfCores', 'clientInterface', 'targetProperty'])
    expect(textOf(targets[1]!, 'numOfCores')).toBe('2')
  })
})
