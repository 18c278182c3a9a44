import { describe, expect, test } from 'vitest'
import { parseDistributionXml, printDistributionNix, printDistributionXml } from './distribution-xml.js'
import { parseServicesXml, printServicesXml } from './services-xml.js'
import { servicesTable } from './testing.js'

describe('distribution XML', () => {
  test('prints mappings in the original\'s layout and reads them back', () => {
    const distribution = { b: [{ target: 'test2' }], a: [{ target: 'test1' }, { target: 'test2', container: 'process2' }] }
    const xml = printDistributionXml(distribution)
    expect(xml).toBe(
      '<?xml version="1.0"?>\n<distribution>\n  <service name="a">\n    <mapping><target>test1</target></mapping>\n' +
        '    <mapping><target>test2</target><container>process2</container></mapping>\n  </service>\n' +
        '  <service name="b">\n    <mapping><target>test2</target></mapping>\n  </service>\n</distribution>\n',
    )
    expect(parseDistributionXml(xml)).toEqual({ a: distribution.a, b: distribution.b })
  })

  test('reads the <target> wrapped mappings that the original\'s division tools print', () => {
    expect(parseDistributionXml('<distribution><service name="a"><target><target>test1</target></target></service></distribution>')).toEqual({ a: [{ target: 'test1' }] })
  })

  test('Nix: lists of target names, or attribute sets once a mapping has a container', () => {
    expect(printDistributionNix({ a: [{ target: 'test1' }] })).toBe('{\n  "a" = [ "test1" ];\n}\n')
    expect(printDistributionNix({ a: [{ target: 'test1', container: 'c' }] })).toBe('{\n  "a" = [\n    {\n      "target" = "test1";\n      "container" = "c";\n    }\n  ];\n}\n')
  })

  test('a mapping without a target is an error naming the file and service', () => {
    expect(() => parseDistributionXml('<distribution><service name="a"><mapping/></service></distribution>', 'd.xml')).toThrow('d.xml: service a: a mapping has no <target>')
  })
})

describe('services XML', () => {
  test('round trip: dependencies by name and typed properties', () => {
    const services = servicesTable({ a: { type: 'process', requireMem: 2, zones: ['US', 'EU'] }, b: { dependsOn: ['a'], connectsTo: ['a'], stateful: true } })
    expect(parseServicesXml(printServicesXml(services))).toEqual(services)
  })
})
