// The scenario shared by the nginx-, apache- and generic-webapplication tests: deploy a web
// application into a real server's document root, fetch it over HTTP, remove it again.
import { join } from 'node:path'
import { expect } from 'vitest'
import { exists, httpGet, put, runModule, worldDir } from './harness.js'
import type { WebServer } from './servers.js'

/** A component with `webapps/hello/index.html` and `webapps/test.txt`. */
export async function webappComponent(root: string, name: string, greeting: string): Promise<string> {
  const component = join(root, name)
  await put(join(component, 'webapps', 'hello', 'index.html'), `<p>${greeting}</p>\n`)
  await put(join(component, 'webapps', 'test.txt'), `${greeting}\n`)
  return component
}

/** activate → served; activate again; lock/unlock no-ops; deactivate → 404; deactivate again. */
export async function deployAndRemove(module: string, server: WebServer): Promise<void> {
  const root = await worldDir()
  const greeting = `Hello from ${module}`
  const component = await webappComponent(root, 'hello-app', greeting)
  const env = { DYSNOMIA_STATEDIR: join(root, 'state'), documentRoot: server.documentRoot }
  const base = `http://127.0.0.1:${server.port}`

  expect(await runModule(module, 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
  expect(await httpGet(`${base}/hello/`)).toEqual({ status: 200, body: `<p>${greeting}</p>\n` })
  expect(await httpGet(`${base}/test.txt`)).toEqual({ status: 200, body: `${greeting}\n` })
  expect(await exists(join(root, 'state', 'activated', module, 'hello-app'))).toBe(true)

  expect(await runModule(module, 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
  expect((await httpGet(`${base}/test.txt`)).status).toBe(200)
  expect(await runModule(module, 'lock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
  expect(await runModule(module, 'unlock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })

  expect(await runModule(module, 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
  expect((await httpGet(`${base}/hello/`)).status).toBe(404)
  expect((await httpGet(`${base}/test.txt`)).status).toBe(404)
  expect(await exists(join(server.documentRoot, 'hello'))).toBe(false)
  expect(await exists(join(root, 'state', 'activated', module, 'hello-app'))).toBe(false)
  expect(await runModule(module, 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
}

/** A document root that cannot be created fails with mkdir's message and changes nothing. */
export async function documentRootFailure(module: string): Promise<void> {
  const root = await worldDir()
  const component = await webappComponent(root, 'hello-app', 'unused')
  await put(join(root, 'a-file'), 'not a directory\n')
  const activate = await runModule(module, 'activate', component, { DYSNOMIA_STATEDIR: join(root, 'state'), documentRoot: join(root, 'a-file', 'www') })
  expect(activate.exitCode).toBe(1)
  expect(activate.stderr.replace(/[‘’]/g, "'")).toBe(`mkdir: cannot create directory '${join(root, 'a-file')}': Not a directory`)
  expect(await exists(join(root, 'state', 'activated'))).toBe(false)
}
