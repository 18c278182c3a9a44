import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { testDir } from '@disnix-ts/test-utils'
import { generationLinks } from './generation-links.js'

describe('generationLinks', () => {
  test("lists one profile's generation links in numeric order, ignoring other profiles and files", async () => {
    const dir = await testDir()
    for (const name of ['default-10-link', 'default-2-link', 'default-1-link', 'other-3-link', 'default.x-4-link', 'default']) await symlink('/nix/store/x', join(dir, name))
    await writeFile(join(dir, 'default-x-link'), '')
    expect(await generationLinks(dir, 'default')).toEqual([
      { generation: 1, path: join(dir, 'default-1-link') },
      { generation: 2, path: join(dir, 'default-2-link') },
      { generation: 10, path: join(dir, 'default-10-link') },
    ])
  })

  test('a profile name is matched literally, not as a pattern', async () => {
    const dir = await testDir()
    await symlink('/nix/store/x', join(dir, 'defaultX1-5-link'))
    await symlink('/nix/store/x', join(dir, 'default.1-6-link'))
    expect((await generationLinks(dir, 'default.1')).map((l) => l.generation)).toEqual([6])
  })

  test('a missing dir has no generations', async () => {
    const dir = await testDir()
    expect(await generationLinks(join(dir, 'missing'), 'default')).toEqual([])
    await mkdir(join(dir, 'empty'))
    expect(await generationLinks(join(dir, 'empty'), 'default')).toEqual([])
  })
})
