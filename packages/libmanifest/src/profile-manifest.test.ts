import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'
import { parseManifestXml } from './manifest-xml.js'
import { parseProfileManifestXml, printProfileManifestXml, profileManifestForTarget, readProfileManifest } from './profile-manifest.js'

const fixture = readFileSync(fileURLToPath(new URL('../fixtures/two-targets/manifest.xml', import.meta.url)), 'utf8')
const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const C = 'c'.repeat(64)

describe('profile manifests', () => {
  test('the profile manifest of a target omits the target where it equals that target (spec §2.3)', () => {
    const manifest = parseManifestXml(fixture, { defaultTarget: 'x' })
    const text = printProfileManifestXml(profileManifestForTarget(manifest, 'test1'), { omitTarget: 'test1' })
    expect(text).toContain(`<dependsOn><mapping><container>echo</container><service>${A}</service></mapping></dependsOn>`)
    expect(text).toContain(`<connectsTo><mapping><container>echo</container><service>${C}</service><target>test2</target></mapping>`)
    expect(text).toContain(
      `<serviceMappings><mapping><container>echo</container><service>${A}</service></mapping><mapping><container>echo</container><service>${B}</service></mapping><mapping><container>mycontainer</container><containerProvidedByService>${B}</containerProvidedByService><service>${C}</service></mapping></serviceMappings>`,
    )
    expect(text).toContain(`<snapshotMappings><mapping><component>testService1</component><container>echo</container><service>${A}</service></mapping>`)
    expect(text.startsWith('<?xml version="1.0"?>\n\n  <profilemanifest version="2"><services><service name=')).toBe(true)
    expect(text.endsWith('</snapshotMappings></profilemanifest>\n\n')).toBe(true)

    // Read back on the target, the missing targets become the target itself.
    const read = parseProfileManifestXml(text, { defaultTarget: 'test1' })
    expect(read).toEqual(profileManifestForTarget(manifest, 'test1'))
  })

  test('a target only gets the services its mappings reference', () => {
    const manifest = parseManifestXml(fixture, { defaultTarget: 'x' })
    const pm = profileManifestForTarget(manifest, 'test2')
    expect(Object.keys(pm.services)).toEqual([C])
    expect(pm.serviceMappings).toEqual([{ service: C, container: 'echo', target: 'test2' }])
    expect(pm.snapshotMappings).toEqual([])
  })

  test('empty text and a missing file are an empty profile manifest; the version is not checked', async () => {
    const empty = { services: {}, serviceMappings: [], snapshotMappings: [] }
    expect(parseProfileManifestXml('', { defaultTarget: 't' })).toEqual(empty)
    expect(parseProfileManifestXml('  \n', { defaultTarget: 't' })).toEqual(empty)
    expect(parseProfileManifestXml('<profilemanifest version="7"/>', { defaultTarget: 't' })).toEqual(empty)
    const dir = await testDir()
    expect(await readProfileManifest(join(dir, 'profilemanifest.xml'), { defaultTarget: 't' })).toEqual(empty)
    await mkdir(join(dir, 'p'))
    await writeFile(join(dir, 'p', 'profilemanifest.xml'), '<profilemanifest><serviceMappings><mapping><container>c</container><service>s</service></mapping></serviceMappings></profilemanifest>')
    expect((await readProfileManifest(join(dir, 'p', 'profilemanifest.xml'), { defaultTarget: 't' })).serviceMappings).toEqual([
      { service: 's', container: 'c', target: 't' },
    ])
  })

  test('rejects another root element', () => {
    expect(() => parseProfileManifestXml('<manifest/>', { defaultTarget: 't', source: 'p.xml' })).toThrow(
      'p.xml: expected a <profilemanifest> root element, found <manifest>',
    )
  })
})
