import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { checkManifest, manifestProblems } from './check-manifest.js'
import { parseManifestXml } from './manifest-xml.js'

const fixture = readFileSync(fileURLToPath(new URL('../fixtures/two-targets/manifest.xml', import.meta.url)), 'utf8')
const load = () => parseManifestXml(fixture, { defaultTarget: 'x' })

describe('checkManifest', () => {
  test('accepts a valid manifest', () => {
    expect(manifestProblems(load())).toEqual([])
    expect(() => checkManifest(load())).not.toThrow()
  })

  test('reports references to unknown services and targets', () => {
    const manifest = load()
    manifest.serviceMappings[1]!.service = 'nope'
    manifest.serviceMappings[3]!.target = 'test9'
    manifest.snapshotMappings[0]!.service = 'gone'
    manifest.snapshotMappings[0]!.target = 'test8'
    expect(manifestProblems(manifest)).toEqual([
      'Service mapping: 1 contains an incorrect reference to service: nope',
      'Service mapping: 3 contains an incorrect reference to target: test9',
      'Snapshot mapping: 0 contains an incorrect reference to service: gone',
      'Snapshot mapping: 0 contains an incorrect reference to target: test8',
    ])
  })

  test('reports missing mandatory fields', () => {
    const manifest = load()
    const key = Object.keys(manifest.services)[0]!
    manifest.services[key]!.type = ''
    manifest.services[key]!.pkg = ''
    manifest.serviceMappings[0]!.container = ''
    manifest.snapshotMappings[0]!.component = ''
    manifest.services[Object.keys(manifest.services)[1]!]!.dependsOn[0]!.service = ''
    expect(manifestProblems(manifest)).toEqual([
      `Service: ${key} has no pkg`,
      `Service: ${key} has no type`,
      `Service: ${'b'.repeat(64)} inter-dependency: 0 has no service`,
      'Service mapping: 0 has no container',
      'Snapshot mapping: 0 has no component',
    ])
  })

  test('reports unusable targets', () => {
    const manifest = load()
    manifest.infrastructure.test1!.numOfCores = 0
    manifest.infrastructure.test2!.targetProperty = 'sshTarget'
    manifest.infrastructure.test2!.clientInterface = ''
    expect(manifestProblems(manifest)).toEqual([
      'Target: test1 must have a numOfCores of at least 1, it has: 0',
      'Target: test2 has no property: sshTarget, which its targetProperty names as its address',
      'Target: test2 has no clientInterface',
    ])
  })

  test('throws MANIFEST_INCONSISTENT with every problem, and no exit status of its own', () => {
    const manifest = load()
    manifest.serviceMappings[0]!.service = 'nope'
    expect(() => checkManifest(manifest, 'The manifest: m.xml')).toThrow(
      'The manifest: m.xml is invalid:\nService mapping: 0 contains an incorrect reference to service: nope',
    )
    try {
      checkManifest(manifest)
    } catch (error) {
      // The tool that reads the manifest chooses the exit status, not the library.
      expect(error).toMatchObject({ code: 'MANIFEST_INCONSISTENT' })
      expect(error).not.toHaveProperty('exitCode')
    }
  })
})
