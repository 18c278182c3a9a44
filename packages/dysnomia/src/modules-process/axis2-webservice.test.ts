import { mkdir, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { exists, put, runModule, sharedTestDir } from '@disnix-ts/test-servers'

// No Axis2 in Debian: the test checks the files the module puts into a Tomcat base dir.
describe('axis2-webservice module (temp Tomcat base dir)', () => {
  test('links the AARs into the services dir derived from catalinaBaseDir (QUIRK §7.7), and the context files', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'calc-service')
    await put(join(component, 'webapps', 'axis2', 'WEB-INF', 'services', 'nested', 'Calc.aar'), 'PK\n')
    await put(join(component, 'conf', 'Catalina', 'calc.xml'), '<Context/>\n')
    const catalinaBaseDir = join(root, 'tomcat')
    const servicesDir = join(catalinaBaseDir, 'webapps', 'axis2', 'WEB-INF', 'services')
    await mkdir(servicesDir, { recursive: true })
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), catalinaBaseDir }

    expect(await runModule('axis2-webservice', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await readlink(join(servicesDir, 'Calc.aar'))).toBe(join(component, 'webapps', 'axis2', 'WEB-INF', 'services', 'nested', 'Calc.aar'))
    expect(await readlink(join(catalinaBaseDir, 'conf', 'Catalina', 'localhost', 'calc.xml'))).toBe(join(component, 'conf', 'Catalina', 'calc.xml'))
    expect(await exists(join(root, 'state', 'activated', 'axis2-webservice', 'calc-service'))).toBe(true)
    expect(await runModule('axis2-webservice', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })

    expect(await runModule('axis2-webservice', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await readdir(servicesDir)).toEqual([])
    expect(await readdir(join(catalinaBaseDir, 'conf', 'Catalina', 'localhost'))).toEqual([])
    expect(await exists(join(root, 'state', 'activated', 'axis2-webservice', 'calc-service'))).toBe(false)
  })

  test('fails when the services dir does not appear within the timeout', async () => {
    const root = await sharedTestDir()
    const component = join(root, 'calc-service')
    await put(join(component, 'webapps', 'axis2', 'WEB-INF', 'services', 'Calc.aar'), 'PK\n')
    const axis2BaseDir = join(root, 'nowhere')
    expect(await runModule('axis2-webservice', 'activate', component, { DYSNOMIA_STATEDIR: join(root, 'state'), axis2BaseDir, timeout: '1' })).toMatchObject({
      exitCode: 1,
      stderr: `The file: ${axis2BaseDir} does not appear within 1 seconds!`,
    })
  })
})
