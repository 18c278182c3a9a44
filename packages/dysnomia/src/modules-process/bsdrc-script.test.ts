import { readFile, readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { exists, put, runModule, sharedTestDir } from '@disnix-ts/test-servers'

// Not FreeBSD: the component's rc scripts record how they are called.
async function setUp() {
  const root = await sharedTestDir()
  const log = join(root, 'calls.log')
  const component = join(root, 'rc-component')
  for (const name of ['alpha', 'beta']) {
    await put(join(component, 'etc', 'rc.d', name), `#!/bin/sh\necho "${name} $1" >> ${log}\n`, 0o755)
  }
  const calls = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean)
  return { root, component, calls }
}

describe('bsdrc-script module (recording rc scripts)', () => {
  test('without enableAtBoot runs onestart in order and onestop in reverse', async () => {
    const { root, component, calls } = await setUp()
    const env = { DYSNOMIA_STATEDIR: join(root, 'state') }
    expect(await runModule('bsdrc-script', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await exists(join(root, 'state', 'activated', 'bsdrc-script', 'rc-component'))).toBe(true)
    expect(await runModule('bsdrc-script', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await calls()).toEqual(['alpha onestart', 'beta onestart', 'beta onestop', 'alpha onestop'])
    expect(await exists(join(root, 'state', 'activated', 'bsdrc-script', 'rc-component'))).toBe(false)
  })

  test('with enableAtBoot=1 links the scripts, enables them in rc.conf and uses start/stop', async () => {
    const { root, component, calls } = await setUp()
    const rcScriptsDir = join(root, 'usr-local-etc-rc.d')
    const rcConfFile = await put(join(root, 'rc.conf'), 'sshd_enable=YES\n')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), enableAtBoot: '1', rcScriptsDir, rcConfFile }

    expect(await runModule('bsdrc-script', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await readlink(join(rcScriptsDir, 'alpha'))).toBe(join(component, 'etc', 'rc.d', 'alpha'))
    expect(await readFile(rcConfFile, 'utf8')).toBe('sshd_enable=YES\nalpha_enable=YES\nbeta_enable=YES\n')
    expect(await runModule('bsdrc-script', 'activate', component, env)).toMatchObject({ exitCode: 0 })
    expect(await readFile(rcConfFile, 'utf8')).toBe('sshd_enable=YES\nalpha_enable=YES\nbeta_enable=YES\n')

    expect(await runModule('bsdrc-script', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await calls()).toEqual(['alpha start', 'beta start', 'alpha start', 'beta start', 'beta stop', 'alpha stop'])
    expect(await readFile(rcConfFile, 'utf8')).toBe('sshd_enable=YES\n')
    expect(await readdir(rcScriptsDir)).toEqual([])
  })

  test('a failing start script fails the activation and the started ones are stopped', async () => {
    const { root, component, calls } = await setUp()
    await put(join(component, 'etc', 'rc.d', 'beta'), `#!/bin/sh\necho "beta $1" >> ${join(root, 'calls.log')}\n[ "$1" != onestart ] || { echo "beta: cannot start" >&2; exit 1; }\n`, 0o755)
    const activate = await runModule('bsdrc-script', 'activate', component, { DYSNOMIA_STATEDIR: join(root, 'state') })
    expect(activate).toMatchObject({ exitCode: 1, stderr: 'beta: cannot start' })
    expect(await calls()).toEqual(['alpha onestart', 'beta onestart', 'beta onestop', 'alpha onestop'])
    expect(await exists(join(root, 'state', 'activated'))).toBe(false)
  })
})
