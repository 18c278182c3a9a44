import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'
import {
  distributedDerivationProblems,
  parseDistributedDerivationXml,
  printDistributedDerivationXml,
  readDistributedDerivation,
} from './distributed-derivation.js'

const fixture = readFileSync(fileURLToPath(new URL('../fixtures/two-interfaces/distributedderivation.xml', import.meta.url)), 'utf8')

describe('distributed derivations', () => {
  test('parse and print back byte for byte (spec §2.5)', () => {
    const dd = parseDistributedDerivationXml(fixture)
    expect(dd).toEqual({
      derivationMappings: [
        { derivation: '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-foo.drv', interface: 'test1' },
        { derivation: '/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-bar.drv', interface: 'test2' },
      ],
      interfaces: {
        test1: { targetAddress: 'test1.example.org', clientInterface: 'disnix-ssh-client' },
        test2: { targetAddress: 'localhost:2222', clientInterface: 'disnix-ssh-client' },
      },
    })
    expect(printDistributedDerivationXml(dd)).toBe(fixture)
    expect(distributedDerivationProblems(dd)).toEqual([])
  })

  test('tolerates whitespace and order; the version is not checked', () => {
    const dd = parseDistributedDerivationXml(`<distributedderivation>
      <interfaces><interface name="t"><clientInterface> c </clientInterface><targetAddress>a</targetAddress></interface></interfaces>
      <derivationMappings><mapping>
        <interface>t</interface>
        <derivation>/nix/store/x.drv</derivation>
      </mapping></derivationMappings></distributedderivation>`)
    expect(dd).toEqual({ derivationMappings: [{ derivation: '/nix/store/x.drv', interface: 't' }], interfaces: { t: { targetAddress: 'a', clientInterface: 'c' } } })
  })

  test('reports every validation problem', () => {
    const dd = parseDistributedDerivationXml(`<distributedderivation><derivationMappings>
      <mapping><derivation>/nix/store/x.drv</derivation><interface>nope</interface></mapping>
      <mapping><interface>t</interface></mapping>
    </derivationMappings><interfaces><interface name="t"><targetAddress/></interface></interfaces></distributedderivation>`)
    expect(distributedDerivationProblems(dd)).toEqual([
      'Derivation mapping: 0 contains an incorrect reference to interface: nope',
      'Derivation mapping: 1 has no derivation',
      'Interface: t has no targetAddress',
      'Interface: t has no clientInterface',
    ])
  })

  test('readDistributedDerivation names a missing or invalid file', async () => {
    const dir = await testDir()
    await expect(readDistributedDerivation(join(dir, 'none.xml'))).rejects.toThrow(`The distributed derivation file: ${join(dir, 'none.xml')} does not exist`)
    const bad = join(dir, 'bad.xml')
    await writeFile(bad, '<distributedderivation><derivationMappings><mapping><derivation>d</derivation><interface>x</interface></mapping></derivationMappings></distributedderivation>')
    await expect(readDistributedDerivation(bad)).rejects.toMatchObject({
      code: 'DISTRIBUTED_DERIVATION_INVALID',
      message: `The distributed derivation file: ${bad} is invalid:\nDerivation mapping: 0 contains an incorrect reference to interface: x`,
    })
    await writeFile(bad, '<manifest/>')
    await expect(readDistributedDerivation(bad)).rejects.toThrow('expected a <distributedderivation> root element')
  })
})
