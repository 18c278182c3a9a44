import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { manifestToDot } from './manifest-dot.js'
import { parseManifestXml } from './manifest-xml.js'

const dir = new URL('../fixtures/two-targets/', import.meta.url)
const manifest = parseManifestXml(readFileSync(fileURLToPath(new URL('manifest.xml', dir)), 'utf8'), { defaultTarget: 'x' })

describe('manifestToDot', () => {
  test('prints the graph of spec §2.9', () => {
    expect(manifestToDot(manifest)).toBe(readFileSync(fileURLToPath(new URL('graph.dot', dir)), 'utf8'))
  })

  test('leaves out the containers with noContainers', () => {
    expect(manifestToDot(manifest, { noContainers: true })).toBe(readFileSync(fileURLToPath(new URL('graph-no-containers.dot', dir)), 'utf8'))
  })

  test('labels a provider of several containers with all of them', () => {
    const other = structuredClone(manifest)
    other.services['b'.repeat(64)]!.providesContainers.second = {}
    expect(manifestToDot(other)).toContain('[ label = "testService2\\n &#8594; { mycontainer\\n, second\\n}", peripheries=2 ];')
  })
})
