// The scenario shared by the nginx-, apache- and generic-webapplication tests: deploy a web
// application into a real server's document root, fetch it over HTTP, remove it again.
import { join } from 'node:path'
import { expect, onTestFinished } from 'vitest'
import { exists, httpGet, put, runModule, sharedTestDir, type WebServer } from '@disnix-ts/test-servers'

/** A component with `webapps/hello/index.html` and `webapps/test.txt`. */
export async function webappComponent(root: string, name: string, greeting: string): Promise<string> {
  const component = join(root, name)
  await put(join(component, 'webapps', 'hello', 'index.html'), `<p>${greeting}</p>\n`)
  await put(join(component, 'webapps', 'test.txt'), `${greeting}\n`)
  return component
}

/** activate → served; activate again; lock/unlock no-ops; deactivate → 404; deactivate again. */
export async function deployAndRemove(module: string, server: WebServer): Promise<void> {
  const root = await sharedTestDir()
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

/**
 * check against a server of this test alone: failing before activation (not deployed), healthy once
 * the server serves the entries, failing with a 404 when documentRootUrl points elsewhere, and
 * failing without an answer once the server is killed.
 */
export async function checkServed(module: string, startServer: () => Promise<WebServer>): Promise<void> {
  const server = await startServer()
  onTestFinished(() => server.stop())
  const root = await sharedTestDir()
  const component = await webappComponent(root, 'hello-app', `Hello from ${module}`)
  const base = `http://127.0.0.1:${server.port}`
  const env = { DYSNOMIA_STATEDIR: join(root, 'state'), documentRoot: server.documentRoot, documentRootUrl: `${base}/`, checkTimeout: '3' }
  const check = (extra: Record<string, string> = {}) => runModule(module, 'check', component, { ...env, ...extra })

  expect(await check()).toMatchObject({
    exitCode: 1,
    stdout: '',
    stderr: `hello is not deployed: ${join(server.documentRoot, 'hello')} does not link to ${join(component, 'webapps', 'hello')}`,
  })

  expect(await runModule(module, 'activate', component, env)).toMatchObject({ exitCode: 0 })
  expect(await check()).toMatchObject({
    exitCode: 0,
    stdout: `healthy: hello, test.txt in place in: ${server.documentRoot} and served at: ${base}/`,
    stderr: '',
  })
  expect(await runModule(module, 'check', component, { DYSNOMIA_STATEDIR: env.DYSNOMIA_STATEDIR, documentRoot: server.documentRoot })).toMatchObject({
    exitCode: 0,
    stdout: `healthy: hello, test.txt in place in: ${server.documentRoot} (the server is not asked: documentRootUrl is not set)`,
  })
  expect(await check({ documentRootUrl: `${base}/elsewhere` })).toMatchObject({
    exitCode: 1,
    stderr: `The web server answers ${base}/elsewhere/hello/ with 404 Not Found: it does not serve ${join(server.documentRoot, 'hello')}`,
  })

  await server.kill()
  expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: `No answer from the web server at: ${base}/hello/ within 3 seconds` })
}

/** A document root that cannot be created fails with mkdir's message and changes nothing. */
export async function documentRootFailure(module: string): Promise<void> {
  const root = await sharedTestDir()
  const component = await webappComponent(root, 'hello-app', 'unused')
  await put(join(root, 'a-file'), 'not a directory\n')
  const activate = await runModule(module, 'activate', component, { DYSNOMIA_STATEDIR: join(root, 'state'), documentRoot: join(root, 'a-file', 'www') })
  expect(activate.exitCode).toBe(1)
  expect(activate.stderr.replace(/[‘’]/g, "'")).toBe(`mkdir: cannot create directory '${join(root, 'a-file')}': Not a directory`)
  expect(await exists(join(root, 'state', 'activated'))).toBe(false)
}
