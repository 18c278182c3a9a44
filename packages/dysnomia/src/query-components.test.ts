import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { testDir } from '@disnix-ts/test-utils'
import { formatComponents, queryActivatedComponents, queryAvailableComponents, queryContainers, queryGarbageComponents } from './query-components.js'

describe('component queries', () => {
  test('containers are the union of all path dirs in path order, each once, without dot files', async () => {
    const dir = await testDir()
    await mkdir(join(dir, 'a'))
    await mkdir(join(dir, 'b'))
    await writeFile(join(dir, 'a', 'zeta'), '')
    await writeFile(join(dir, 'a', 'alpha'), '')
    await writeFile(join(dir, 'a', '.hidden'), '')
    await writeFile(join(dir, 'b', 'alpha'), '')
    await writeFile(join(dir, 'b', 'beta'), '')
    expect(await queryContainers([join(dir, 'a'), join(dir, 'missing'), join(dir, 'b')])).toEqual(['alpha', 'zeta', 'beta'])
  })

  test('available components come from all dirs, first occurrence wins, filtered by container', async () => {
    const dir = await testDir()
    await mkdir(join(dir, 'a', 'mysql', 'db1'), { recursive: true })
    await mkdir(join(dir, 'b', 'mysql', 'db1'), { recursive: true })
    await mkdir(join(dir, 'b', 'mysql', 'db2'), { recursive: true })
    await mkdir(join(dir, 'b', 'pg', 'db3'), { recursive: true })
    const all = await queryAvailableComponents([join(dir, 'a'), join(dir, 'b')])
    expect(formatComponents(all)).toBe('mysql/db1\nmysql/db2\npg/db3\n')
    expect(await queryAvailableComponents([join(dir, 'a'), join(dir, 'b')], 'pg')).toEqual([{ container: 'pg', component: 'db3' }])
  })

  test('activated and garbage markers are read from the state dir', async () => {
    const dir = await testDir()
    await mkdir(join(dir, 'activated', 'c1'), { recursive: true })
    await mkdir(join(dir, 'activated', 'empty'), { recursive: true })
    await mkdir(join(dir, 'garbage', 'c2'), { recursive: true })
    await writeFile(join(dir, 'activated', 'c1', 'x'), '')
    await writeFile(join(dir, 'garbage', 'c2', 'y'), '')
    expect(await queryActivatedComponents(dir)).toEqual([{ container: 'c1', component: 'x' }])
    expect(await queryGarbageComponents(dir)).toEqual([{ container: 'c2', component: 'y' }])
    expect(await queryGarbageComponents(dir, 'c1')).toEqual([])
    expect(await queryActivatedComponents(join(dir, 'nonexistent'))).toEqual([])
  })
})
