import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest'
import { exists, httpGet, put, runModule, sharedTestDir, startTomcat, type Tomcat, waitFor } from '@disnix-ts/test-servers'

// One Tomcat for the whole file: it takes seconds to start.
let tomcat: Tomcat

beforeAll(async () => {
  tomcat = await startTomcat()
}, 120_000)

afterAll(async () => {
  await tomcat?.stop()
})

/** Builds `<component>/webapps/<name>.war` (a zip archive) holding an index.html. */
async function warComponent(root: string, name: string, greeting: string): Promise<string> {
  const component = join(root, name)
  const sources = join(root, `${name}-src`)
  await put(join(sources, 'index.html'), `<p>${greeting}</p>\n`)
  await put(join(component, 'webapps', '.keep'), '')
  await execa('zip', ['-q', '-r', join(component, 'webapps', `${name}.war`), '.'], { cwd: sources })
  return component
}

describe('tomcat-webapplication module (real Tomcat 10)', () => {
  test('deploys a WAR and a context file that Tomcat serves, and undeploys them', async () => {
    const root = await sharedTestDir()
    const component = await warComponent(root, 'greeter', 'Hello from Tomcat')
    // A context file of the component: Tomcat serves its docBase at /static-greeter/.
    await put(join(component, 'static', 'index.html'), '<p>static context</p>\n')
    await put(join(component, 'conf', 'Catalina', 'static-greeter.xml'), `<Context docBase="${join(component, 'static')}"/>\n`)
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), catalinaBaseDir: tomcat.catalinaBase }
    const base = `http://127.0.0.1:${tomcat.port}`

    expect(await runModule('tomcat-webapplication', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    await waitFor('the deployed WAR', async () => (await httpGet(`${base}/greeter/`)).status === 200, 60_000)
    expect(await httpGet(`${base}/greeter/`)).toEqual({ status: 200, body: '<p>Hello from Tomcat</p>\n' })
    expect(await exists(join(tomcat.catalinaBase, 'webapps', 'greeter'))).toBe(true)
    await waitFor('the deployed context', async () => (await httpGet(`${base}/static-greeter/`)).status === 200, 60_000)
    expect((await httpGet(`${base}/static-greeter/`)).body).toBe('<p>static context</p>\n')

    expect(await runModule('tomcat-webapplication', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await runModule('tomcat-webapplication', 'lock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await runModule('tomcat-webapplication', 'unlock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect((await httpGet(`${base}/greeter/`)).status).toBe(200)

    expect(await runModule('tomcat-webapplication', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    await waitFor('the WAR to be undeployed', async () => (await httpGet(`${base}/greeter/`)).status === 404, 60_000)
    await waitFor('the unpacked WAR to disappear', async () => !(await exists(join(tomcat.catalinaBase, 'webapps', 'greeter'))), 60_000)
    await waitFor('the context to be undeployed', async () => (await httpGet(`${base}/static-greeter/`)).status === 404, 60_000)
    expect(await exists(join(tomcat.catalinaBase, 'webapps', 'greeter.war'))).toBe(false)
    expect(await exists(join(tomcat.catalinaBase, 'conf', 'Catalina', 'localhost', 'static-greeter.xml'))).toBe(false)
    expect(await exists(join(root, 'state', 'activated', 'tomcat-webapplication', 'greeter'))).toBe(false)
    expect(await runModule('tomcat-webapplication', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
  })

  test('check: healthy once Tomcat serves the WAR; failing when it is not linked, not served, or Tomcat is killed', async () => {
    // A Tomcat of this test alone: it is killed at the end.
    const own = await startTomcat()
    onTestFinished(() => own.stop())
    const root = await sharedTestDir()
    const component = await warComponent(root, 'checked', 'Hello from a checked WAR')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), catalinaBaseDir: own.catalinaBase, tomcatPort: String(own.port), tomcatHost: '127.0.0.1', checkTimeout: '5' }
    const check = (extra: Record<string, string> = {}) => runModule('tomcat-webapplication', 'check', component, { ...env, ...extra })
    const war = join(component, 'webapps', 'checked.war')

    expect(await check()).toMatchObject({
      exitCode: 1,
      stdout: '',
      stderr: `Web application: checked.war is not deployed: ${join(own.catalinaBase, 'webapps', 'checked.war')} does not link to ${war}`,
    })

    // Linked into another CATALINA_BASE than the one of the Tomcat on tomcatPort: not served.
    const elsewhere = join(root, 'elsewhere')
    await put(join(elsewhere, 'webapps', '.keep'), '')
    expect(await runModule('tomcat-webapplication', 'activate', component, { ...env, catalinaBaseDir: elsewhere })).toMatchObject({ exitCode: 0 })
    expect(await check({ catalinaBaseDir: elsewhere })).toMatchObject({
      exitCode: 1,
      stderr: 'Tomcat does not serve: /checked/ (404 Not Found): the web application is not deployed (yet)',
    })

    expect(await runModule('tomcat-webapplication', 'activate', component, env)).toMatchObject({ exitCode: 0 })
    await waitFor('Tomcat to deploy the WAR', async () => (await check()).exitCode === 0, 60_000)
    expect(await check()).toMatchObject({ exitCode: 0, stdout: `healthy: Tomcat on port ${own.port} serves: /checked/`, stderr: '' })
    expect(await check({ tomcatPort: '' })).toMatchObject({
      exitCode: 0,
      stdout: `healthy: checked.war linked into: ${own.catalinaBase} (Tomcat is not asked: tomcatPort is not set)`,
    })

    await own.kill()
    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: `Tomcat does not answer on port: ${own.port} within 5 seconds` })
  }, 240_000)

  test('fails when the webapps directory of catalinaBaseDir does not appear in time', async () => {
    const root = await sharedTestDir()
    const component = await warComponent(root, 'lonely', 'unused')
    const catalinaBaseDir = join(root, 'no-tomcat')
    const activate = await runModule('tomcat-webapplication', 'activate', component, { DYSNOMIA_STATEDIR: join(root, 'state'), catalinaBaseDir, timeout: '2' })
    expect(activate).toMatchObject({
      exitCode: 1,
      stderr: `Waiting for the file: ${catalinaBaseDir}/webapps to become available...\nThe file: ${catalinaBaseDir}/webapps does not appear within 2 seconds!`,
    })
    expect(await exists(join(root, 'state', 'activated'))).toBe(false)
  })
})
