import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'
import {
  componentMarkedAsActive,
  componentMarkedAsGarbage,
  markComponentAsActive,
  markComponentAsGarbage,
  unmarkComponentAsActive,
  unmarkComponentAsGarbage,
} from './component-markers.js'

const util = join(bundledModulesDir(), 'lib', 'util')

async function markers(stateDir: string): Promise<string[]> {
  const found: string[] = []
  for (const area of ['activated', 'garbage']) {
    for (const container of await readdir(join(stateDir, area)).catch(() => [])) {
      for (const component of await readdir(join(stateDir, area, container))) found.push(`${area}/${container}/${component}`)
    }
  }
  return found
}

/** The same sequence through the bash library. */
async function bashSequence(stateDir: string, functions: string[]): Promise<string[]> {
  const results: string[] = []
  for (const fn of functions) {
    const r = await execa('bash', ['-c', 'set -e; source "$0"; composeUtilityVariables /x/modules/fileset /srv/comp ""; "$1" && echo true || echo false', util, fn], {
      env: { DYSNOMIA_STATEDIR: stateDir },
      reject: false,
      stdin: 'ignore',
    })
    results.push(`${fn}:${r.exitCode}:${r.stdout}`)
  }
  return results
}

describe('component markers', () => {
  test('follow the lifecycle activate → deactivate → activate → deactivate → collect', async () => {
    const stateDir = await testDir()
    const ctx = { stateDir, containerName: 'fileset', componentName: 'comp' }
    await markComponentAsActive(ctx)
    expect(await markers(stateDir)).toEqual(['activated/fileset/comp'])
    expect(await componentMarkedAsActive(ctx)).toBe(true)
    await markComponentAsGarbage(ctx)
    await markComponentAsGarbage(ctx)
    expect(await markers(stateDir)).toEqual(['garbage/fileset/comp'])
    expect(await componentMarkedAsGarbage(ctx)).toBe(true)
    await markComponentAsActive(ctx)
    expect(await markers(stateDir)).toEqual(['activated/fileset/comp'])
    expect(await componentMarkedAsGarbage(ctx)).toBe(false)
    await unmarkComponentAsActive(ctx)
    await unmarkComponentAsActive(ctx)
    expect(await markers(stateDir)).toEqual([])
    await unmarkComponentAsGarbage(ctx)
  })

  test('deactivating a never-activated component is a no-op (QUIRK B.9), in TypeScript and bash', async () => {
    const stateDir = await testDir()
    await markComponentAsGarbage({ stateDir, containerName: 'fileset', componentName: 'comp' })
    expect(await markers(stateDir)).toEqual([])
    expect(await bashSequence(stateDir, ['markComponentAsGarbage', 'componentMarkedAsGarbage'])).toEqual([
      'markComponentAsGarbage:0:true',
      'componentMarkedAsGarbage:0:false',
    ])
    expect(await markers(stateDir)).toEqual([])
  })

  test('the bash library writes the same markers', async () => {
    const stateDir = await testDir()
    expect(
      await bashSequence(stateDir, ['markComponentAsActive', 'markComponentAsGarbage', 'markComponentAsGarbage', 'componentMarkedAsGarbage']),
    ).toEqual(['markComponentAsActive:0:true', 'markComponentAsGarbage:0:true', 'markComponentAsGarbage:0:true', 'componentMarkedAsGarbage:0:true'])
    expect(await markers(stateDir)).toEqual(['garbage/fileset/comp'])
    expect(await componentMarkedAsGarbage({ stateDir, containerName: 'fileset', componentName: 'comp' })).toBe(true)
    await bashSequence(stateDir, ['markComponentAsActive', 'unmarkComponentAsActive', 'unmarkComponentAsGarbage'])
    expect(await markers(stateDir)).toEqual([])
  })
})
