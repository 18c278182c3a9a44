import { readlink, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { buildTestClosure, nixTestEnv, testDir } from '@disnix-ts/test-utils'
import { coordinatorProfileDir, deleteGenerations, listGenerations, parseGenerations, setProfile, targetProfileDir } from './nix-env.js'

const env = nixTestEnv()

describe('targetProfileDir', () => {
  test('root uses the global disnix dir, others their per-user dir', () => {
    expect(targetProfileDir({ uid: 0, name: 'root' })).toBe('/nix/var/nix/profiles/disnix')
    expect(targetProfileDir({ uid: 1000, name: 'alice' })).toBe('/nix/var/nix/profiles/per-user/alice/disnix')
  })
})

describe('coordinatorProfileDir', () => {
  test('the per-user disnix-coordinator dir, unless a path is given', () => {
    expect(coordinatorProfileDir({ user: 'alice' })).toBe('/nix/var/nix/profiles/per-user/alice/disnix-coordinator')
    expect(coordinatorProfileDir({ user: 'alice', path: '' })).toBe('/nix/var/nix/profiles/per-user/alice/disnix-coordinator')
    expect(coordinatorProfileDir({ user: 'alice', path: '/var/coord' })).toBe('/var/coord')
  })
})

describe('setProfile', () => {
  test('creates the profile dir, adds a generation, and is a no-op when unchanged', async () => {
    const dir = join(await testDir(), 'profiles', 'disnix')
    const first = await buildTestClosure()
    const second = await buildTestClosure()
    expect(await setProfile(dir, 'default', first.service, { env })).toBe(true)
    expect(await readlink(join(dir, 'default'))).toBe('default-1-link')
    expect(await setProfile(dir, 'default', first.service, { env })).toBe(false)
    expect((await readdir(dir)).sort()).toEqual(['default', 'default-1-link'])
    expect(await setProfile(dir, 'default', second.service, { env })).toBe(true)
    expect((await readdir(dir)).sort()).toEqual(['default', 'default-1-link', 'default-2-link'])
    const generations = await listGenerations(join(dir, 'default'), { env })
    expect(generations.map((g) => [g.id, g.current])).toEqual([
      [1, false],
      [2, true],
    ])
    await deleteGenerations(join(dir, 'default'), 'old', { env })
    expect((await listGenerations(join(dir, 'default'), { env })).map((g) => g.id)).toEqual([2])
  })

  test('a store path that does not exist fails with nix-env\'s message', async () => {
    const dir = await testDir()
    await expect(setProfile(dir, 'default', '/nix/store/00000000000000000000000000000000-nope', { env })).rejects.toThrow(/nix-env -p .* failed/)
  })
})

describe('parseGenerations', () => {
  test('reads nix-env output', () => {
    expect(parseGenerations('   1   2024-01-02 03:04:05   \n   2   2024-01-03 03:04:05   (current)\n')).toEqual([
      { id: 1, date: '2024-01-02 03:04:05', current: false },
      { id: 2, date: '2024-01-03 03:04:05', current: true },
    ])
  })
})
