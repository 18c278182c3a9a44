import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createStandIns, exists, put, runModule, sharedTestDir } from '@disnix-ts/test-servers'

// Not Cygwin: stand-ins for cygpath (prints a Windows-style path), cmd (records its input) and
// msdeploy, and a package deploy script that is a stand-in too (records its arguments and MSDeployPath).
describe('iis-webapplication module (stand-in cygpath, cmd, msdeploy)', () => {
  test('runs the package deploy script, copies the files except Web.config, and deletes through msdeploy', async () => {
    const root = await sharedTestDir()
    const standIns = await createStandIns(root, {
      cygpath: { script: String.raw`echo "C:/cygwin$2" | tr / '\\'` },
      cmd: { stdin: true },
      msdeploy: {},
    })
    const component = join(root, 'shop')
    await put(join(component, 'Package', 'shop.deploy.cmd'), standIns.script('deploy.cmd', { env: ['MSDeployPath'] }), 0o755)
    await put(join(component, 'Package', 'PackageTmp', 'index.aspx'), '<%= "shop" %>\n')
    await put(join(component, 'Package', 'PackageTmp', 'bin', 'shop.dll'), 'MZ\n')
    await put(join(component, 'Package', 'PackageTmp', 'Web.config'), '<configuration/>\n')
    const wwwRoot = join(root, 'wwwroot')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), PATH: standIns.path, iisWwwRoot: wwwRoot }
    const windowsBin = `C:\\cygwin${standIns.binDir.replaceAll('/', '\\')}`

    expect(await runModule('iis-webapplication', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.take()).toEqual([
      { argv: ['cygpath', '--windows', standIns.binDir], env: {} },
      { argv: ['deploy.cmd', '/Y'], env: { MSDeployPath: windowsBin } },
    ])
    expect((await readdir(join(wwwRoot, 'shop'))).sort()).toEqual(['bin', 'index.aspx'])
    expect(await readFile(join(wwwRoot, 'shop', 'bin', 'shop.dll'), 'utf8')).toBe('MZ\n')
    expect(await exists(join(root, 'state', 'activated', 'iis-webapplication', 'shop'))).toBe(true)

    expect(await runModule('iis-webapplication', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.take()).toEqual([
      { argv: ['cygpath', '--windows', standIns.binDir], env: {} },
      { argv: ['cygpath', '--windows', join(standIns.binDir, 'msdeploy')], env: {} },
      { argv: ['cmd'], stdin: `"${windowsBin}\\msdeploy" -verb:delete -dest:apphostconfig="Default Web Site/shop"\n`, env: {} },
    ])
    expect(await exists(join(root, 'state', 'activated', 'iis-webapplication', 'shop'))).toBe(false)

    expect(await runModule('iis-webapplication', 'activate', component, { ...env, iisWwwRoot: '' })).toMatchObject({
      exitCode: 1,
      stderr: 'No IIS document root specified! Set the iisWwwRoot property.',
    })
  })
})
