import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { exists, httpGet, put, runModule, sharedTestDir, startNginx, type WebServer } from '@disnix-ts/test-servers'
import { checkServed, deployAndRemove, documentRootFailure } from './web-application.cases.js'

let nginx: WebServer

beforeAll(async () => {
  nginx = await startNginx()
}, 60_000)

afterAll(async () => {
  await nginx?.stop()
})

describe('generic-webapplication module (served by a real nginx)', () => {
  test('deploys the web application into the document root, and removes it', async () => {
    await deployAndRemove('generic-webapplication', nginx)
  })

  test('with a .dysnomia-fileset delegates to fileset: mutable dirs are snapshotted, kept until collect-garbage and restored', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'stateful-app')
    await put(join(component, 'webapps', 'page.html'), '<p>static page</p>\n')
    await put(join(component, '.dysnomia-fileset'), `symlink ${join(component, 'webapps', 'page.html')}\ntarget .\nmkdir uploads\n`)
    const stateDir = join(root, 'state')
    const env = { DYSNOMIA_STATEDIR: stateDir, documentRoot: nginx.documentRoot }
    const base = `http://127.0.0.1:${nginx.port}`
    const run = (operation: string) => runModule('generic-webapplication', operation, component, env)

    expect(await run('activate')).toMatchObject({ exitCode: 0, stderr: '' })
    expect(await httpGet(`${base}/page.html`)).toEqual({ status: 200, body: '<p>static page</p>\n' })
    await writeFile(join(nginx.documentRoot, 'uploads', 'a.txt'), 'uploaded\n')
    expect(await httpGet(`${base}/uploads/a.txt`)).toEqual({ status: 200, body: 'uploaded\n' })
    // The fileset module keeps the markers, under the module's name as container.
    expect(await readdir(join(stateDir, 'activated', 'generic-webapplication'))).toEqual(['stateful-app'])

    expect(await run('snapshot')).toMatchObject({ exitCode: 0 })
    expect(await readdir(join(stateDir, 'snapshots', 'generic-webapplication', 'stateful-app'))).toHaveLength(1)

    expect(await run('deactivate')).toMatchObject({ exitCode: 0, stderr: '' })
    expect((await httpGet(`${base}/page.html`)).status).toBe(404)
    expect(await exists(join(nginx.documentRoot, 'uploads', 'a.txt'))).toBe(true)
    expect(await readdir(join(stateDir, 'garbage', 'generic-webapplication'))).toEqual(['stateful-app'])

    expect(await run('collect-garbage')).toMatchObject({ exitCode: 0, stderr: '' })
    expect(await exists(join(nginx.documentRoot, 'uploads'))).toBe(false)

    expect(await run('activate')).toMatchObject({ exitCode: 0, stderr: '' })
    expect(await run('restore')).toMatchObject({ exitCode: 0 })
    expect(await httpGet(`${base}/uploads/a.txt`)).toEqual({ status: 200, body: 'uploaded\n' })
    expect(await run('deactivate')).toMatchObject({ exitCode: 0 })
    expect(await run('collect-garbage')).toMatchObject({ exitCode: 0 })
    expect(await exists(join(nginx.documentRoot, 'uploads'))).toBe(false)
  })

  test('check: healthy while served, failing when not deployed, not served or the server is killed', async () => {
    await checkServed('generic-webapplication', startNginx)
  })

  test('check with a .dysnomia-fileset: the fileset’s check, then the server’s answer for the document root', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'checked-app')
    await put(join(component, 'webapps', 'page.html'), '<p>static page</p>\n')
    await put(join(component, '.dysnomia-fileset'), `symlink ${join(component, 'webapps', 'page.html')}\ntarget .\nmkdir uploads\n`)
    const base = `http://127.0.0.1:${nginx.port}`
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), documentRoot: nginx.documentRoot, documentRootUrl: base }
    const run = (operation: string) => runModule('generic-webapplication', operation, component, env)

    expect(await run('activate')).toMatchObject({ exitCode: 0, stderr: '' })
    expect(await run('check')).toMatchObject({
      exitCode: 0,
      stdout: `healthy: the fileset of checked-app is in place in: ${nginx.documentRoot} and served at: ${base}/`,
      stderr: '',
    })
    expect(await run('deactivate')).toMatchObject({ exitCode: 0 })
    expect(await run('check')).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: `Link: ${nginx.documentRoot}/page.html of fileset: checked-app does not point to ${join(component, 'webapps', 'page.html')}`,
    })
    expect(await run('collect-garbage')).toMatchObject({ exitCode: 0 })
  })

  test('without a .dysnomia-fileset snapshot, restore and collect-garbage do nothing', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'plain')
    await put(join(component, 'webapps', 'x.html'), 'x\n')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), documentRoot: join(root, 'www') }
    for (const operation of ['snapshot', 'restore', 'collect-garbage']) {
      expect(await runModule('generic-webapplication', operation, component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    }
    expect(await exists(join(root, 'state'))).toBe(false)
    expect(await exists(join(root, 'www'))).toBe(false)
  })

  test('fails with mkdir’s message when the document root cannot be created', async () => {
    await documentRootFailure('generic-webapplication')
  })
})
