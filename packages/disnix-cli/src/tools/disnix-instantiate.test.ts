import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, test } from 'vitest'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'
import { FIXTURES, mappingObject, modelArgs, readXml, select, textOf } from '../models/manifest-test-helpers.js'

const env = nixTestEnv()

describe('disnix-instantiate', () => {
  test('maps the derivation of every package to the target that builds it, without building', async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-instantiate', modelArgs('basic'), { env, cwd })
    expect(result).toMatchObject({ exitCode: 0, stderr: '' })
    const path = result.stdout.trim()
    expect(path).toMatch(/^\/nix\/store\/[a-z0-9]{32}-distributedderivation\.xml$/)
    expect(await readFile(join(cwd, 'result'), 'utf8')).toBe(await readFile(path, 'utf8'))
    const xml = readXml(path)
    expect(xml.name).toBe('distributedderivation')
    expect(xml.children.map((c) => c.name)).toEqual(['derivationMappings', 'interfaces'])
    const mappings = select(xml, 'derivationMappings/mapping').map(mappingObject)
    expect(mappings.map((m) => [m.derivation!.replace(/^\/nix\/store\/[a-z0-9]{32}-/, ''), m.interface])).toEqual([
      ['testService1.drv', 'test1'],
      ['testService3.drv', 'test1'],
      ['testService2.drv', 'test2'],
      ['testService3.drv', 'test2'],
    ])
    const interfaces = select(xml, 'interfaces/interface')
    expect(interfaces.map((i) => [i.attributes.name, textOf(i, 'targetAddress'), textOf(i, 'clientInterface')])).toEqual([
      ['test1', 'test1', 'disnix-ssh-client'],
      ['test2', 'test2', 'disnix-ssh-client'],
    ])
    const { stdout } = await execa('nix-store', ['-qR', path], { env })
    expect(stdout).toContain(mappings[0]!.derivation)
  })

  test('writes the store derivations without building them', async () => {
    const cwd = await testDir()
    const prefix = `unbuilt${process.pid}${Date.now()}`
    const result = await runBin('disnix-instantiate', [...modelArgs('target-options'), '--no-out-link', '--extra-params', `{ prefix = "${prefix}"; }`], { env, cwd })
    expect(result.exitCode).toBe(0)
    const derivation = select(readXml(result.stdout.trim()), 'derivationMappings/mapping')
      .map((m) => mappingObject(m).derivation!)
      .find((d) => d.endsWith(`-${prefix}-greeter.drv`))!
    const output = (await execa('nix-store', ['-q', '--outputs', derivation], { env })).stdout.trim()
    const invalid = await execa('nix-store', ['--check-validity', '--print-invalid', output], { env })
    expect(invalid.stdout.trim()).toBe(output)
  })

  test('uses the target property and client interface of each target', async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-instantiate', [...modelArgs('target-options'), '--no-out-link', '--interface', 'my-client'], { env, cwd })
    expect(result.exitCode).toBe(0)
    const interfaces = select(readXml(result.stdout.trim()), 'interfaces/interface')
    expect(interfaces.map((i) => [i.attributes.name, textOf(i, 'targetAddress'), textOf(i, 'clientInterface')])).toEqual([
      ['test1', '10.0.0.1', 'disnix-client'],
      ['test2', 'test2', 'my-client'],
    ])
  })

  test('prints a build model (-B) as it is', async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-instantiate', ['-B', join(FIXTURES, 'build', 'build.nix'), '--no-out-link'], { env, cwd })
    expect(result.exitCode).toBe(0)
    const xml = readXml(result.stdout.trim())
    expect(select(xml, 'derivationMappings/mapping').map(mappingObject)).toEqual([
      { derivation: expect.stringMatching(/-built-remotely\.drv$/), interface: 'test1' },
    ])
    expect(textOf(select(xml, 'interfaces/interface')[0]!, 'targetAddress')).toBe('test1.example.org')
  })

  test('builds from an architecture model (-A)', async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-instantiate', ['-A', join(FIXTURES, 'architecture', 'architecture.nix'), '--no-out-link'], { env, cwd })
    expect(result.exitCode).toBe(0)
    const drvs = select(readXml(result.stdout.trim()), 'derivationMappings/mapping').map((m) => mappingObject(m).derivation)
    // As in the original: a target's own packages first, then its services by name.
    expect(drvs.map((d) => d!.replace(/^\/nix\/store\/[a-z0-9]{32}-/, ''))).toEqual(['arch-extra.drv', 'arch-base.drv', 'arch-top.drv'])
  })

  test('rejects options of disnix-manifest and bad models', async () => {
    const cwd = await testDir()
    const deployment = await runBin('disnix-instantiate', ['-D', 'deployment.nix'], { env, cwd })
    expect(deployment.exitCode).toBe(1)
    expect(deployment.stderr).toContain("unknown option '-D'")
    const bad = await runBin('disnix-instantiate', modelArgs('bad/cyclic'), { env, cwd })
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr).toMatch(/services model .*cyclic\/services\.nix: cyclic dependsOn\/activatesAfter between services/)
  })
})
