import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'
import { fixtures } from '../scenarios/scenario-helpers.js'

const distributed = (drv: string, iface = 'false') => `<?xml version="1.0"?>
<distributedderivation version="2">
  <derivationMappings>
    <mapping><derivation>${drv}</derivation><interface>test1</interface></mapping>
  </derivationMappings>
  <interfaces>
    <interface name="test1"><targetAddress>test1.example.org</targetAddress><clientInterface>${iface}</clientInterface></interface>
  </interfaces>
</distributedderivation>
`

// Bad input; building on real targets is in scenarios/coordinator-tools.test.ts.
describe('disnix-build', () => {
  test('--help documents the options, the environment and the exit status', async () => {
    const r = await runBin('disnix-build', ['--help'])
    expect(r.exitCode).toBe(0)
    for (const text of ['--max-concurrent-transfers', '--verbose', 'SSH_OPTS', 'TMPDIR', 'Exit status:']) expect(r.stdout).toContain(text)
  })

  test('a missing argument or file is refused', async () => {
    const none = await runBin('disnix-build', [])
    expect(none.exitCode).toBe(1)
    expect(none.stderr).toContain("missing required argument 'distributed-derivation'")
    const missing = await runBin('disnix-build', ['/nonexistent/dd.xml'])
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain('[coordinator]: The distributed derivation file: /nonexistent/dd.xml does not exist')
  })

  test('a mapping to an unknown interface is refused', async () => {
    const file = join(await testDir(), 'dd.xml')
    await writeFile(file, distributed('/nix/store/00000000000000000000000000000000-x.drv').replace('<interface>test1</interface>', '<interface>test9</interface>'))
    const r = await runBin('disnix-build', [file])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('incorrect reference to interface: test9')
  })

  test('a target that cannot be reached is named', async () => {
    const instantiated = await runBin('disnix-instantiate', ['-s', join(fixtures, 'basic', 'services.nix'), '-i', join(fixtures, 'basic', 'infrastructure.nix'), '-d', join(fixtures, 'basic', 'distribution.nix'), '--no-out-link'], { env: nixTestEnv() })
    expect(instantiated.exitCode, instantiated.stderr).toBe(0)
    const drv = /<derivation>([^<]+)<\/derivation>/.exec(await import('node:fs/promises').then((fs) => fs.readFile(instantiated.stdout.trim(), 'utf8')))![1]!
    const file = join(await testDir(), 'dd.xml')
    await writeFile(file, distributed(drv))
    const r = await runBin('disnix-build', ['--verbose', file], { env: nixTestEnv() })
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('[coordinator]: Distributing store derivation files...')
    expect(r.stderr).toContain(`[target: test1]: distribute derivation of ${drv} failed:`)
    expect(r.stderr).not.toContain('Retrieving build results')
  })
})

describe('disnix-delegate', () => {
  test('--help documents the model options and the environment', async () => {
    const r = await runBin('disnix-delegate', ['--help'])
    expect(r.exitCode).toBe(0)
    for (const text of ['--services', '--infrastructure', '--distribution', '--packages', '--architecture', '--build', '--extra-params', '--target-property', '--interface', '--max-concurrent-transfers', '--show-trace', 'NIX_PATH', 'SSH_OPTS', 'Exit status:']) {
      expect(r.stdout).toContain(text)
    }
  })

  test('models are required', async () => {
    const r = await runBin('disnix-delegate', [])
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('[coordinator]: ERROR: An infrastructure')
  })

  test('a target that cannot be reached is named', async () => {
    const basic = (f: string) => join(fixtures, 'basic', f)
    const r = await runBin('disnix-delegate', ['-s', basic('services.nix'), '-i', basic('infrastructure.nix'), '-d', basic('distribution.nix'), '--interface', 'false', '--verbose'], { env: nixTestEnv() })
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('[coordinator]: Instantiating store derivations...')
    expect(r.stderr).toContain('[coordinator]: Remotely building services...')
    expect(r.stderr).toMatch(/\[target: test1\]: distribute derivation of \/nix\/store\/\S+\.drv failed/)
  })
})
