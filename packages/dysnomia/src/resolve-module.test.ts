import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { DisnixError } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { resolveModule } from './resolve-module.js'

async function module(dir: string, name: string, mode = 0o755): Promise<string> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, name)
  await writeFile(path, '#!/bin/sh\nexit 0\n')
  await chmod(path, mode)
  return path
}

describe('resolveModule', () => {
  test('DYSNOMIA_MODULES_PATH comes before the bundled modules directory', async () => {
    const dir = await testDir()
    const bundled = await module(join(dir, 'bundled'), 'echo')
    const override = await module(join(dir, 'extra'), 'echo')
    const options = { modulesPath: [join(dir, 'empty'), join(dir, 'extra')], builtinModulesDir: join(dir, 'bundled') }
    expect(await resolveModule('echo', options)).toBe(override)
    expect(await resolveModule('echo', { ...options, modulesPath: [] })).toBe(bundled)
  })

  test('a module only in the bundled directory is found there', async () => {
    const dir = await testDir()
    const bundled = await module(join(dir, 'bundled'), 'fileset')
    await module(join(dir, 'extra'), 'echo')
    expect(await resolveModule('fileset', { modulesPath: [join(dir, 'extra')], builtinModulesDir: join(dir, 'bundled') })).toBe(bundled)
  })

  test('a package directory must hold exactly one libexec/dysnomia module', async () => {
    const dir = await testDir()
    const pkg = join(dir, 'pkg')
    await module(join(pkg, 'libexec', 'dysnomia'), 'one')
    await module(join(pkg, 'libexec', 'dysnomia'), 'two')
    const error = await resolveModule(pkg, { modulesPath: [], builtinModulesDir: dir }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DisnixError)
    expect((error as DisnixError).message).toBe(`Module: ${pkg} cannot be found! (${join(pkg, 'libexec', 'dysnomia')} must hold exactly one module, it holds 2)`)
  })

  test('an empty type is not found (QUIRK §1.2: the original matched the directory itself)', async () => {
    const dir = await testDir()
    const error = await resolveModule('', { modulesPath: [dir], builtinModulesDir: dir }).catch((e: unknown) => e)
    expect((error as DisnixError).code).toBe('MODULE_NOT_FOUND')
  })
})
