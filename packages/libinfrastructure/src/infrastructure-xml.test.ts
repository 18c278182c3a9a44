import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { nixFloat, nixPath } from '@disnix-ts/libxmlmodel'
import { describe, expect, test } from 'vitest'
import { parseInfrastructureXml, printInfrastructureXml } from './infrastructure-xml.js'
import { checkTarget, targetKey } from './target.js'

const fixture = readFileSync(fileURLToPath(new URL('../fixtures/infrastructure-xml/infrastructure.xml', import.meta.url)), 'utf8')
const defaults = { targetProperty: 'hostname', clientInterface: 'disnix-ssh-client' }

describe('parseInfrastructureXml', () => {
  test('reads targets with typed properties and containers', () => {
    const infrastructure = parseInfrastructureXml(fixture, defaults)
    expect(Object.keys(infrastructure)).toEqual(['test1', 'test2'])
    expect(infrastructure.test1).toEqual({
      name: 'test1',
      properties: {
        hostname: 'test1.example.org',
        sshTarget: 'localhost:2222',
        ports: [80, 443],
        weight: nixFloat(0.5),
        root: nixPath('/srv/data'),
        enabled: true,
      },
      containers: { process: {}, 'mysql-database': { mysqlPort: 3306 } },
      system: 'x86_64-linux',
      numOfCores: 4,
      clientInterface: 'disnix-ssh-client',
      targetProperty: 'hostname',
    })
  })

  test('fills a missing targetProperty/clientInterface from the defaults and a missing numOfCores with 1', () => {
    const infrastructure = parseInfrastructureXml(fixture, { targetProperty: 'sshTarget', clientInterface: 'my-client' })
    expect(infrastructure.test1?.targetProperty).toBe('sshTarget')
    expect(infrastructure.test1?.clientInterface).toBe('my-client')
    expect(targetKey(infrastructure.test1!)).toBe('localhost:2222')
    // test2 names its own, which win over the defaults.
    expect(infrastructure.test2?.clientInterface).toBe('disnix-client')
    expect(infrastructure.test2?.targetProperty).toBe('hostname')
    expect(infrastructure.test2?.numOfCores).toBe(1)
    expect(infrastructure.test2?.containers).toEqual({})
  })

  test('an empty numOfCores becomes 0 and fails validation', () => {
    const infrastructure = parseInfrastructureXml(
      '<infrastructure version="2"><target name="t"><properties type="attrs"/><numOfCores></numOfCores></target></infrastructure>',
      defaults,
    )
    expect(checkTarget(infrastructure.t!)).toEqual([
      'Target: t must have a numOfCores of at least 1, it has: 0',
      'Target: t has no property: hostname, which its targetProperty names as its address',
    ])
    expect(() => targetKey(infrastructure.t!)).toThrow('Target: t has no property: hostname')
  })

  test('rejects another root element and malformed XML', () => {
    expect(() => parseInfrastructureXml('<manifest/>', { source: 'i.xml' })).toThrow('i.xml: expected an <infrastructure> root element, found <manifest>')
    expect(() => parseInfrastructureXml('<infrastructure>', { source: 'i.xml' })).toThrow(/^i\.xml: malformed XML/)
  })

  test('prints the XML of spec §2.4, which parses back to the same targets', () => {
    const infrastructure = parseInfrastructureXml(fixture, defaults)
    const printed = printInfrastructureXml(infrastructure)
    expect(printed).toContain('<target name="test2"><properties type="attrs"><property name="hostname" type="string">test2.example.org</property></properties><containers/><system>i686-linux</system><numOfCores>1</numOfCores><clientInterface>disnix-client</clientInterface><targetProperty>hostname</targetProperty></target>')
    expect(printed).toMatch(/^<\?xml version="1\.0"\?>\n\n {2}<infrastructure version="2"><target [^\n]*<\/infrastructure>\n\n$/)
    expect(parseInfrastructureXml(printed)).toEqual(infrastructure)
  })
})
