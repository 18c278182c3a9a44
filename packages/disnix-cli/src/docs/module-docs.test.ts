import { readdir, stat } from 'node:fs/promises'
import { constants } from 'node:fs'
import { join } from 'node:path'
import { bundledModulesDir, installRoot } from '@disnix-ts/libmain'
import { describe, expect, test } from 'vitest'

async function bundledModules(): Promise<string[]> {
  const modules: string[] = []
  for (const name of await readdir(bundledModulesDir())) {
    const info = await stat(join(bundledModulesDir(), name))
    // modules/lib holds the helper library for module authors, not a module.
    if (info.isFile() && (info.mode & constants.S_IXUSR) !== 0) modules.push(name)
  }
  return modules.sort()
}

describe('docs/modules', () => {
  test('has a page for every bundled Dysnomia module', async () => {
    const modules = await bundledModules()
    expect(modules.length).toBeGreaterThan(0)
    const pages = (await readdir(join(installRoot(), 'docs', 'modules'))).map((name) => name.replace(/\.md$/, ''))
    expect(modules.filter((module) => !pages.includes(module))).toEqual([])
  })
})
