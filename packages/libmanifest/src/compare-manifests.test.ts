import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { compareManifests } from './compare-manifests.js'
import type { Manifest } from './manifest.js'
import { parseManifestXml } from './manifest-xml.js'

const fixture = readFileSync(fileURLToPath(new URL('../fixtures/two-targets/manifest.xml', import.meta.url)), 'utf8')
const load = () => parseManifestXml(fixture, { defaultTarget: 'x' })
const B = 'b'.repeat(64)

describe('compareManifests', () => {
  test('equal manifests, also when mappings come in another order', () => {
    const reordered = load()
    reordered.serviceMappings.reverse()
    reordered.services[B]!.dependsOn.reverse()
    expect(compareManifests(load(), load())).toBe(true)
    expect(compareManifests(load(), reordered)).toBe(true)
  })

  test.each<[string, (m: Manifest) => void]>([
    ['a profile', (m) => (m.profiles.test1 = '/nix/store/x-test1')],
    ['a service pkg', (m) => (m.services[B]!.pkg = '/nix/store/x')],
    ['a dependency', (m) => m.services[B]!.connectsTo.pop()],
    ['a provided container property', (m) => (m.services[B]!.providesContainers.mycontainer!.port = 8081)],
    ['a service mapping', (m) => m.serviceMappings.pop()],
    ['a snapshot mapping', (m) => (m.snapshotMappings[0]!.component = 'other')],
    ['a target property', (m) => (m.infrastructure.test2!.properties.hostname = 'elsewhere')],
    ['a container property', (m) => (m.infrastructure.test1!.containers.echo!.hello = 'bye')],
    ['numOfCores', (m) => (m.infrastructure.test1!.numOfCores = 3)],
    ['the client interface', (m) => (m.infrastructure.test1!.clientInterface = 'disnix-client')],
    ['a removed target', (m) => delete m.infrastructure.test2],
  ])('differs when %s changes', (_what, change) => {
    const other = load()
    change(other)
    expect(compareManifests(load(), other)).toBe(false)
    expect(compareManifests(other, load())).toBe(false)
  })
})
