import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, runBin } from '@disnix-ts/test-utils'

// The executable filters that the Nix side runs (with --xml), and that users run by hand on Nix models.
const fixtures = join(installRoot(), 'packages', 'dydisnix-cli', 'fixtures')
const xml = (name: string) => join(fixtures, 'xml', name)
const model = (name: string) => join(fixtures, 'models', name)
const xmlModels = ['-s', xml('services.xml'), '-i', xml('infrastructure.xml'), '-d', xml('distribution.xml'), '--xml']
const nixModels = ['-s', model('services.nix'), '-i', model('infrastructure.nix'), '-d', model('distribution.nix')]
const env = nixTestEnv()

describe('dydisnix-divide', () => {
  test('XML in, Nix candidate distribution out (what the Nix filter imports)', async () => {
    const r = await runBin('dydisnix-divide', [...xmlModels, '--strategy', 'greedy', '--service-property', 'requireMem', '--target-property', 'mem'])
    expect(r).toEqual({ exitCode: 0, stderr: '', stdout: '{\n  "api" = [ "test1" ];\n  "db" = [ "test2" ];\n  "web" = [ "test1" ];\n}\n' })
  })

  test('Nix models in, XML out', async () => {
    const r = await runBin('dydisnix-divide', [...nixModels, '--strategy', 'lowest-bidder', '--service-property', 'requireMem', '--target-property', 'mem', '--output-xml'], { env })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toContain('<service name="db">\n    <mapping><target>test2</target></mapping>\n  </service>')
  })

  test('an unknown strategy, a missing option and a missing property are one-line errors', async () => {
    const strategy = await runBin('dydisnix-divide', [...xmlModels, '--strategy', 'random', '--service-property', 'requireMem', '--target-property', 'mem'])
    expect(strategy.exitCode).toBe(1)
    expect(strategy.stderr).toContain("error: option '--strategy <strategy>' argument 'random' is invalid. Allowed choices are greedy, highest-bidder, lowest-bidder.")
    const missing = await runBin('dydisnix-divide', [...xmlModels, '--service-property', 'requireMem', '--target-property', 'mem'])
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain("required option '--strategy <strategy>' not specified")
    const property = await runBin('dydisnix-divide', [...xmlModels, '--strategy', 'greedy', '--service-property', 'requireCpu', '--target-property', 'mem'])
    expect(property).toEqual({ exitCode: 1, stdout: '', stderr: '[coordinator]: Service: api has no property named: requireCpu\n' })
  })

  test('a missing model file is named', async () => {
    const r = await runBin('dydisnix-divide', ['-s', xml('nope.xml'), '-i', xml('infrastructure.xml'), '-d', xml('distribution.xml'), '--xml', '--strategy', 'greedy', '--service-property', 'a', '--target-property', 'b'])
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr: `[coordinator]: The services model: ${xml('nope.xml')} does not exist\n` })
  })
})

describe('dydisnix-minsetcover', () => {
  test('the cheapest machine per service first', async () => {
    // distribution.xml keeps web on test1: test2 covers api and db (1.5 each), then test1 covers web
    const r = await runBin('dydisnix-minsetcover', [...xmlModels, '--target-property', 'cost'])
    expect(r).toEqual({ exitCode: 0, stderr: '', stdout: '{\n  "api" = [ "test2" ];\n  "db" = [ "test2" ];\n  "web" = [ "test1" ];\n}\n' })
  })
})

describe('dydisnix-multiwaycut', () => {
  test('the result, the problem graph and the resolved graph', async () => {
    const r = await runBin('dydisnix-multiwaycut', [...xmlModels, '--output-xml'])
    expect(r.exitCode, r.stderr).toBe(0)
    // test1 links all three (the heaviest cut, discarded); test2's links are removed
    expect(r.stdout).toBe(
      '<?xml version="1.0"?>\n<distribution>\n' +
        ['api', 'db', 'web'].map((s) => `  <service name="${s}">\n    <mapping><target>test1</target></mapping>\n  </service>\n`).join('') +
        '</distribution>\n',
    )
    const graph = await runBin('dydisnix-multiwaycut', [...xmlModels, '--output-graph'])
    expect(graph.stdout).toContain('"app:api" -- "app:db" [ label = "1", weight = "1" ]')
    expect(graph.stdout).toContain('"app:db" -- "host:test2"')
    const resolved = await runBin('dydisnix-multiwaycut', [...xmlModels, '--output-resolved-graph'])
    expect(resolved.stdout).toContain('"app:web" -- "host:test1"')
    expect(resolved.stdout).not.toContain('-- "host:test2"')
  })
})

describe('dydisnix-graphcol', () => {
  test('colours the service graph with the targets', async () => {
    const r = await runBin('dydisnix-graphcol', ['-s', xml('services.xml'), '-i', xml('infrastructure.xml'), '--xml'])
    expect(r).toEqual({ exitCode: 0, stderr: '', stdout: '{\n  "api" = [ "test1" ];\n  "db" = [ "test2" ];\n  "web" = [ "test2" ];\n}\n' })
    const dot = await runBin('dydisnix-graphcol', ['-s', xml('services.xml'), '-i', xml('infrastructure.xml'), '--xml', '--output-resolved-graph'])
    expect(dot.stdout).toContain('"api" [ label = "<f0> api|<f1> 0" ]')
  })
})

describe('dydisnix-xml', () => {
  test('prints the XML the filters read, the same as the fixtures made from the Nix models', async () => {
    const { readFile } = await import('node:fs/promises')
    for (const [args, file] of [
      [['-s', model('services.nix')], 'services.xml'],
      [['-i', model('infrastructure.nix')], 'infrastructure.xml'],
      [['-d', model('distribution.nix'), '-i', model('infrastructure.nix')], 'distribution.xml'],
    ] as const) {
      const r = await runBin('dydisnix-xml', [...args], { env })
      expect(r.exitCode, r.stderr).toBe(0)
      expect(r.stdout).toBe(await readFile(xml(file), 'utf8'))
    }
  })

  test('without a model it says what to give', async () => {
    const r = await runBin('dydisnix-xml', [])
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr: '[coordinator]: Give one model to print: -s, -i, -d with -i, --id-resources or --ids\n' })
  })
})
