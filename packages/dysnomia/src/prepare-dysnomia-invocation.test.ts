import { chmod, mkdir, rename, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { DisnixError } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { invocationCache, prepareDysnomiaInvocation, type DysnomiaRequest } from './prepare-dysnomia-invocation.js'

async function setup() {
  const dir = await testDir('dysnomia-prepare-')
  for (const sub of ['modules', 'other-modules', 'components']) await mkdir(join(dir, sub))
  for (const file of [join(dir, 'modules', 'show'), join(dir, 'other-modules', 'show')]) {
    await writeFile(file, '#!/bin/sh\n')
    await chmod(file, 0o755)
  }
  await writeFile(join(dir, 'components', 'a'), '')
  await symlink(join(dir, 'components', 'a'), join(dir, 'components', 'link-to-a'))
  const request = (component: string): DysnomiaRequest => ({
    operation: 'lock',
    component,
    type: 'show',
    environment: true,
    env: { PATH: '/bin', prop: 'x' },
    stateDir: join(dir, 'state'),
    containersPath: [],
    componentsPath: [],
    modulesPath: [join(dir, 'modules'), join(dir, 'other-modules')],
    builtinModulesDir: join(dir, 'no-bundled'),
  })
  return { dir, request }
}

describe('prepareDysnomiaInvocation', () => {
  test('a component path resolves through symlinks; a missing one is COMPONENT_NOT_FOUND before the module is looked up', async () => {
    const { dir, request } = await setup()
    expect((await prepareDysnomiaInvocation(request(join(dir, 'components', 'link-to-a')))).componentPath).toBe(join(dir, 'components', 'a'))
    const missing = await prepareDysnomiaInvocation({ ...request(join(dir, 'components', 'gone')), type: 'no-such-module' }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(DisnixError)
    expect((missing as DisnixError).code).toBe('COMPONENT_NOT_FOUND')
    await symlink(join(dir, 'components', 'nowhere'), join(dir, 'components', 'dangling'))
    const dangling = await prepareDysnomiaInvocation(request(join(dir, 'components', 'dangling'))).catch((e: unknown) => e)
    expect((dangling as DisnixError).code).toBe('COMPONENT_NOT_FOUND')
  })

  test('requests sharing a cache look each module type up once and share one environment; each is what it would be alone', async () => {
    const { dir, request } = await setup()
    const cache = invocationCache()
    const component = join(dir, 'components', 'a')
    const base = request(component)
    const first = await prepareDysnomiaInvocation(base, cache)
    expect(first).toEqual(await prepareDysnomiaInvocation(request(component)))
    expect(first.module).toBe(join(dir, 'modules', 'show'))
    // The first directory's module goes away: a request of the same cache still gets the module it
    // found, a request without the cache looks again and finds the next one.
    await rename(join(dir, 'modules', 'show'), join(dir, 'show.moved'))
    const second = await prepareDysnomiaInvocation({ ...base }, cache)
    expect(second.module).toBe(join(dir, 'modules', 'show'))
    expect(second.env).toBe(first.env)
    expect((await prepareDysnomiaInvocation(request(component))).module).toBe(join(dir, 'other-modules', 'show'))
    expect(first.env).toEqual({ PATH: '/bin', prop: 'x', DYSNOMIA_STATEDIR: join(dir, 'state') })
  })

  test('a cached environment is not used for a request with another PATH or state directory', async () => {
    const { dir, request } = await setup()
    const cache = invocationCache()
    const component = join(dir, 'components', 'a')
    const base = request(component)
    const first = await prepareDysnomiaInvocation(base, cache)
    const other = await prepareDysnomiaInvocation({ ...base, stateDir: join(dir, 'elsewhere') }, cache)
    expect(other.env.DYSNOMIA_STATEDIR).toBe(join(dir, 'elsewhere'))
    expect(first.env.DYSNOMIA_STATEDIR).toBe(join(dir, 'state'))
  })
})
