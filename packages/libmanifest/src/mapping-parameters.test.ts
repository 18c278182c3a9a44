import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parseManifestXml } from './manifest-xml.js'
import { containerArguments, mappingParameters } from './mapping-parameters.js'
import { nixFloat } from '@disnix-ts/libxmlmodel'

const fixture = readFileSync(fileURLToPath(new URL('../fixtures/two-targets/manifest.xml', import.meta.url)), 'utf8')
const manifest = parseManifestXml(fixture, { defaultTarget: 'x' })

describe('mappingParameters', () => {
  test('takes the type and the container properties of the target', () => {
    expect(mappingParameters(manifest, manifest.serviceMappings[0]!)).toEqual({
      type: 'echo',
      arguments: ['hello=hi'],
      pkg: '/nix/store/33333333333333333333333333333333-testService1',
      container: 'echo',
      targetName: 'test1',
      targetKey: 'test1.example.org',
    })
  })

  test("a container provided by a service: the provider's pkg is the type, its properties the arguments", () => {
    expect(mappingParameters(manifest, manifest.serviceMappings[2]!)).toEqual({
      type: '/nix/store/44444444444444444444444444444444-testService2',
      arguments: ['enabled=1', 'hello=world', 'list=a 2', 'off=', 'port=8080', 'ratio=0.5'],
      pkg: '/nix/store/55555555555555555555555555555555-testService3',
      container: 'mycontainer',
      targetName: 'test1',
      targetKey: 'test1.example.org',
    })
  })

  test('a container the target does not declare gives no arguments', () => {
    expect(mappingParameters(manifest, manifest.serviceMappings[3]!).arguments).toEqual([])
  })

  test('uses the target property of the target as its key', () => {
    const other = structuredClone(manifest)
    other.infrastructure.test2!.properties.sshTarget = 'localhost:2222'
    other.infrastructure.test2!.targetProperty = 'sshTarget'
    expect(mappingParameters(other, other.serviceMappings[3]!).targetKey).toBe('localhost:2222')
  })

  test('names unknown services and targets', () => {
    expect(() => mappingParameters(manifest, { service: 'nope', container: 'echo', target: 'test1' })).toThrow('refers to an unknown service: nope')
    expect(() => mappingParameters(manifest, { service: 'a'.repeat(64), container: 'echo', target: 'test7' })).toThrow('unknown target: test7')
  })
})

describe('containerArguments', () => {
  test('renders values as the original does: true → 1, false → empty, lists joined, attribute sets empty', () => {
    expect(containerArguments({ z: 'last', b: true, c: false, l: ['x', 1, nixFloat(1.5)], a: { nested: 'x' }, i: 3 })).toEqual([
      'a=',
      'b=1',
      'c=',
      'i=3',
      'l=x 1 1.5',
      'z=last',
    ])
  })
})
