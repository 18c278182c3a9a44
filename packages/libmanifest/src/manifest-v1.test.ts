import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseInfrastructureXml } from '@disnix-ts/libinfrastructure'
import { describe, expect, test } from 'vitest'
import { convertV1Manifest, parseV1ManifestXml } from './manifest-v1.js'
import { printManifestNix } from './print-manifest-nix.js'

const dir = new URL('../fixtures/v1-manifest/', import.meta.url)
const v1 = readFileSync(fileURLToPath(new URL('manifest.xml', dir)), 'utf8')
const infrastructure = parseInfrastructureXml(readFileSync(fileURLToPath(new URL('infrastructure.xml', dir)), 'utf8'))

describe('version 1 manifests', () => {
  test('convert into the version 2 deployment model, mapping target keys to names', () => {
    const manifest = convertV1Manifest(parseV1ManifestXml(v1), infrastructure)
    expect(manifest.profiles).toEqual({
      test1: '/nix/store/11111111111111111111111111111111-test1',
      test2: '/nix/store/22222222222222222222222222222222-test2',
    })
    expect(manifest.services.k2).toEqual({
      name: 'testService2',
      pkg: '/nix/store/44444444444444444444444444444444-testService2',
      type: 'echo',
      dependsOn: [{ service: 'k1', container: 'echo', target: 'test1' }],
      connectsTo: [{ service: 'k3', container: 'process', target: 'test2' }],
      providesContainers: {},
    })
    expect(manifest.serviceMappings).toEqual([
      { service: 'k1', container: 'echo', target: 'test1' },
      { service: 'k2', container: 'echo', target: 'test2' },
      { service: 'k3', container: 'process', target: 'test2' },
    ])
    expect(manifest.snapshotMappings).toEqual([{ service: 'k1', component: 'testService1', container: 'echo', target: 'test1' }])
    expect(manifest.infrastructure).toBe(infrastructure)
  })

  test('a target key that no machine has is an error', () => {
    const only1 = { test1: infrastructure.test1! }
    expect(() => convertV1Manifest(parseV1ManifestXml(v1), only1)).toThrow(
      "I don't know how to map target: test2.example.org to any machine in the infrastructure model!",
    )
  })

  test('only version 1 manifests are accepted', () => {
    expect(() => parseV1ManifestXml('<manifest version="2"/>')).toThrow('Please provide a manifest file that uses the V1 structure!')
  })

  test('an activation mapping without a mandatory property is rejected', () => {
    expect(() => parseV1ManifestXml('<manifest version="1"><activation><mapping><key>k</key></mapping></activation></manifest>', 'old.xml')).toThrow(
      'old.xml: an activation mapping lacks a mandatory property',
    )
  })

  test('the converted model prints as a Nix deployment model (spec §2.7)', () => {
    const text = printManifestNix(convertV1Manifest(parseV1ManifestXml(v1), infrastructure))
    expect(text).toContain('  "profiles" = {\n    "test1" = builtins.storePath /nix/store/11111111111111111111111111111111-test1;\n')
    expect(text).toContain(
      '    "k2" = {\n      "name" = "testService2";\n      "pkg" = builtins.storePath /nix/store/44444444444444444444444444444444-testService2;\n      "type" = "echo";\n      "dependsOn" = [\n        {\n          "service" = "k1";\n          "container" = "echo";\n          "target" = "test1";\n        }\n      ];\n',
    )
    expect(text).toContain('      "providesContainers" = { };\n')
    expect(text).toContain(
      '    "test1" = {\n      "properties" = {\n        "hostname" = "test1.example.org";\n      };\n      "containers" = { };\n      "system" = "x86_64-linux";\n      "clientInterface" = "disnix-ssh-client";\n      "targetProperty" = "hostname";\n      "numOfCores" = 1;\n    };\n',
    )
    expect(text.endsWith('}\n')).toBe(true)
  })
})
