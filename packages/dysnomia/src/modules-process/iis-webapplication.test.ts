import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { exists, put, runModule, worldDir } from './harness.js'
import { createStandIns } from './standins.js'

// Not Cygwin: stand-ins for cygpath (prints a Windows-style path) and cmd (records its input), and
// a package deploy script that records its arguments and MSDeployPath.
describe('iis-webapplication module (stand-in cygpath, cmd, msdeploy)', () => {
  test('runs the package deploy script, copies the files except Web.config, and deletes through msdeploy', async () => {
    const root = await worldDir()
    const standIns = await createStandIns(root, ['cygpath', 'cmd', 'msdeploy'], {
      cygpath: String.raw`echo "C:/cygwin$2" | tr / '\\'`,
      cmd: `cat >> ${join(root, 'calls.log')}`,
    })
    const component = join(root, 'shop')
    await put(join(component, 'Package', 'shop.deploy.cmd'), `#!/bin/sh\nprintf "%s\\n" "deploy.cmd $* MSDeployPath=$MSDeployPath" >> ${join(root, 'calls.log')}\n`, 0o755)
    await put(join(component, 'Package', 'PackageTmp', 'index.aspx'), '<%= "shop" %>\n')
    await put(join(component, 'Package', 'PackageTmp', 'bin', 'shop.dll'), 'MZ\n')
    await put(join(component, 'Package', 'PackageTmp', 'Web.config'), '<configuration/>\n')
    const wwwRoot = join(root, 'wwwroot')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), PATH: standIns.path, iisWwwRoot: wwwRoot }
    const windowsBin = `C:\\cygwin${standIns.binDir.replaceAll('/', '\\')}`

    expect(await runModule('iis-webapplication', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.take()).toEqual([`cygpath --windows ${standIns.binDir}`, `deploy.cmd /Y MSDeployPath=${windowsBin}`])
    expect((await readdir(join(wwwRoot, 'shop'))).sort()).toEqual(['bin', 'index.aspx'])
    expect(await readFile(join(wwwRoot, 'shop', 'bin', 'shop.dll'), 'utf8')).toBe('MZ\n')
    expect(await exists(join(root, 'state', 'activated', 'iis-webapplication', 'shop'))).toBe(true)

    expect(await runModule('iis-webapplication', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.take()).toEqual([
      `cygpath --windows ${standIns.binDir}`,
      `cygpath --windows ${join(standIns.binDir, 'msdeploy')}`,
      'cmd',
      `"${windowsBin}\\msdeploy" -verb:delete -dest:apphostconfig="Default Web Site/shop"`,
    ])
    expect(await exists(join(root, 'state', 'activated', 'iis-webapplication', 'shop'))).toBe(false)

    expect(await runModule('iis-webapplication', 'activate', component, { ...env, iisWwwRoot: '' })).toMatchObject({
      exitCode: 1,
      stderr: 'No IIS document root specified! Set the iisWwwRoot property.',
    })
  })
})
