import { symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { emptyManifest, printManifestXml, type Manifest } from '@disnix-ts/libmanifest'
import { testDir } from '@disnix-ts/test-utils'
import { loadPreviousManifest } from './manifests.js'

const manifest: Manifest = {
  ...emptyManifest(),
  profiles: { test1: '/nix/store/00000000000000000000000000000000-test1' },
  infrastructure: {
    test1: { name: 'test1', properties: { hostname: 'test1' }, containers: {}, system: 'x86_64-linux', numOfCores: 1, clientInterface: 'disnix-ssh-client', targetProperty: 'hostname' },
  },
}

describe('loadPreviousManifest', () => {
  test('the previous manifest that is the file the caller read already is that manifest, not parsed again; another file is read', async () => {
    const dir = await testDir('disnix-cli-manifests-')
    const file = join(dir, 'manifest.xml')
    await writeFile(file, printManifestXml(manifest))
    await symlink(file, join(dir, 'link.xml'))
    const known = { path: file, manifest: structuredClone(manifest) }
    const messages: string[] = []
    const progress = (event: { kind: string; text?: string }) => void messages.push(event.text ?? '')
    const location = { profile: 'default', user: 'nobody', oldManifest: join(dir, 'link.xml') }
    const same = await loadPreviousManifest(location, 'coordinator', progress, known)
    expect(same).toEqual({ manifest: known.manifest, path: file })
    expect(same.manifest).toBe(known.manifest)
    expect(messages).toEqual([`Using previous manifest: ${file}`])

    const other = await loadPreviousManifest(location, 'coordinator', progress, { path: join(dir, 'other.xml'), manifest: known.manifest })
    expect(other.manifest).not.toBe(known.manifest)
    expect(other.manifest).toEqual(manifest)
  })
})
