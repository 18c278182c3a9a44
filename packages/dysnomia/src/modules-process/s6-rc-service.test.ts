import { readFile, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { isRoot } from '@disnix-ts/libmain/testing'
import { describe, expect, test } from 'vitest'
import { createStandIns, declareUser, exists, put, runModule, sharedTestDir, userExists } from '@disnix-ts/test-servers'

// s6-rc is not packaged here: stand-ins record the calls; s6-rc-compile creates the database dir
// (and fails for a service dir holding a "broken" definition), s6-rc-init creates the live dir.
async function setUp() {
  const root = await sharedTestDir()
  const standIns = await createStandIns(root, {
    's6-rc-compile': { script: 'if [ -e "$2/broken" ]; then echo "s6-rc-compile: fatal: invalid service definition: broken" >&2; exit 100; fi; mkdir -p "$1"' },
    's6-rc-init': { script: 'mkdir -p "$4"' },
    's6-rc-update': {},
    's6-rc': {},
  })
  const component = join(root, 'sv-component')
  await put(join(component, 'etc', 's6', 'sv', 'loop', 'type'), 'longrun\n')
  await put(join(component, 'etc', 's6', 'sv', 'loop', 'run'), '#!/bin/sh\nexec sleep 600\n', 0o755)
  const dirs = { scanDir: join(root, 'service'), serviceDir: join(root, 'sv'), compileDir: join(root, 'rc'), liveDir: join(root, 'live') }
  return { root, standIns, component, dirs }
}

describe('s6-rc-service module (stand-in s6-rc)', () => {
  test.runIf(isRoot())('adds the services to the bundle, compiles, initialises or updates, and keeps the users while active', async () => {
    const { root, standIns, component, dirs } = await setUp()
    const user = await declareUser(component)
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), PATH: standIns.path, ...dirs }
    const activateDb = join(dirs.compileDir, 'compiled-activate-sv-component')
    const deactivateDb = join(dirs.compileDir, 'compiled-deactivate-sv-component')

    expect(await runModule('s6-rc-service', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '' })
    expect(await standIns.takeLines()).toEqual([
      `s6-rc-compile ${activateDb} ${dirs.serviceDir}`,
      `s6-rc-init -c ${activateDb} -l ${dirs.liveDir} ${dirs.scanDir}`,
      `s6-rc -l ${dirs.liveDir} -u change default`,
    ])
    expect(await readFile(join(dirs.serviceDir, 'default', 'type'), 'utf8')).toBe('bundle\n')
    expect(await readFile(join(dirs.serviceDir, 'default', 'contents'), 'utf8')).toBe('loop\n')
    expect(await readlink(join(dirs.serviceDir, 'loop'))).toBe(join(component, 'etc', 's6', 'sv', 'loop'))
    expect(await readlink(join(dirs.compileDir, 'compiled'))).toBe(activateDb)
    // QUIRK B.11: the original deletes the users right after activation.
    expect(await userExists(user)).toBe(true)

    expect(await runModule('s6-rc-service', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '' })
    expect(await standIns.takeLines()).toEqual([`s6-rc -l ${dirs.liveDir} -u change default`])
    expect(await readFile(join(dirs.serviceDir, 'default', 'contents'), 'utf8')).toBe('loop\n')

    expect(await runModule('s6-rc-service', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '' })
    expect(await standIns.takeLines()).toEqual([
      `s6-rc-compile ${deactivateDb} ${dirs.serviceDir}`,
      `s6-rc-update -l ${dirs.liveDir} ${deactivateDb}`,
      `s6-rc -l ${dirs.liveDir} -u change default`,
    ])
    expect(await readFile(join(dirs.serviceDir, 'default', 'contents'), 'utf8')).toBe('')
    expect(await exists(join(dirs.serviceDir, 'loop'))).toBe(false)
    expect(await readlink(join(dirs.compileDir, 'compiled'))).toBe(deactivateDb)
    expect(await exists(activateDb)).toBe(false)
    expect(await userExists(user)).toBe(false)
    expect(await exists(join(root, 'state', 'activated', 's6-rc-service', 'sv-component'))).toBe(false)
  })

  test('a failing compilation fails the activation with its message and removes the services again (QUIRK B.11)', async () => {
    const { root, standIns, component, dirs } = await setUp()
    await put(join(component, 'etc', 's6', 'sv', 'broken', 'type'), 'nonsense\n')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), PATH: standIns.path, ...dirs }

    const activate = await runModule('s6-rc-service', 'activate', component, env)
    expect(activate.exitCode).toBe(1)
    expect(activate.stderr).toContain('s6-rc-compile: fatal: invalid service definition: broken')
    expect(await readFile(join(dirs.serviceDir, 'default', 'contents'), 'utf8')).toBe('')
    expect((await readdir(dirs.serviceDir)).sort()).toEqual(['default'])
    expect(await exists(join(root, 'state', 'activated'))).toBe(false)
  })
})
