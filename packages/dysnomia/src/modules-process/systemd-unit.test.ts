import { readdir, readFile, readlink, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { isRoot } from '@disnix-ts/libmain/testing'
import { describe, expect, test } from 'vitest'
import { createSystemctlStandIn, declareUser, exists, put, runModule, sharedTestDir, userExists } from '@disnix-ts/test-servers'

// systemd is not PID 1 here: a stand-in systemctl records the calls, keeps the active units as
// files, and fails to start a unit named broken.service.
async function setUp() {
  const root = await sharedTestDir()
  const { standIns } = await createSystemctlStandIn(root)
  const component = join(root, 'units')
  const units = join(component, 'etc', 'systemd', 'system')
  await put(join(units, 'web.service'), '[Service]\nExecStart=/bin/web\n')
  await put(join(units, 'web.socket'), '[Socket]\nListenStream=5123\n')
  await put(join(units, 'tick.service'), '[Service]\nExecStart=/bin/tick\n')
  await put(join(units, 'tick.timer'), '[Timer]\nOnActiveSec=1s\n')
  await put(join(units, 'plain.service'), '[Service]\nExecStart=/bin/plain\n')
  await put(join(units, 'extra.path'), '[Path]\nPathExists=/tmp/x\n')
  const targetDir = join(root, 'system')
  return { root, standIns, component, units, targetDir }
}

describe('systemd-unit module (stand-in systemctl)', () => {
  test.runIf(isRoot())('installs the units, starts socket, timer or service, and removes them again', async () => {
    const { root, standIns, component, units, targetDir } = await setUp()
    const user = await declareUser(component)
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), PATH: standIns.path, systemdTargetDir: targetDir }

    expect(await runModule('systemd-unit', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '' })
    expect(await standIns.takeLines()).toEqual(['systemctl --system daemon-reload', 'systemctl start plain.service', 'systemctl start tick.timer', 'systemctl start web.socket'])
    expect((await readdir(targetDir)).sort()).toEqual(['dysnomia.target.wants', 'extra.path', 'plain.service', 'tick.service', 'tick.timer', 'web.service', 'web.socket'])
    expect(await readlink(join(targetDir, 'web.service'))).toBe(join(units, 'web.service'))
    expect((await readdir(join(targetDir, 'dysnomia.target.wants'))).sort()).toEqual(['plain.service', 'tick.timer', 'web.socket'])
    expect(await userExists(user)).toBe(true)
    expect(await exists(join(root, 'state', 'activated', 'systemd-unit', 'units'))).toBe(true)

    expect(await runModule('systemd-unit', 'lock', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.takeLines()).toEqual([])

    expect(await runModule('systemd-unit', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '' })
    expect(await standIns.takeLines()).toEqual([
      'systemctl stop web.socket',
      'systemctl stop tick.timer',
      'systemctl stop plain.service',
      'systemctl stop tick.service',
      'systemctl stop web.service',
      'systemctl --system daemon-reload',
    ])
    expect(await readdir(targetDir)).toEqual(['dysnomia.target.wants'])
    expect(await readdir(join(targetDir, 'dysnomia.target.wants'))).toEqual([])
    expect(await userExists(user)).toBe(false)
    expect(await exists(join(root, 'state', 'activated', 'systemd-unit', 'units'))).toBe(false)

    expect(await runModule('systemd-unit', 'deactivate', component, env)).toMatchObject({ exitCode: 0 })
    expect(await standIns.takeLines()).toEqual(['systemctl --system daemon-reload'])
  })

  test('with systemdUserServices=1 uses the user’s unit directory, --user and the chosen wants directory', async () => {
    const { root, standIns, component } = await setUp()
    const home = join(root, 'home')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), PATH: standIns.path, HOME: home, systemdUserServices: '1', systemdRootTarget: 'default.target.wants' }

    expect(await runModule('systemd-unit', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.takeLines()).toEqual([
      'systemctl --user daemon-reload',
      'systemctl --user start plain.service',
      'systemctl --user start tick.timer',
      'systemctl --user start web.socket',
    ])
    const userDir = join(home, '.config', 'systemd', 'user')
    expect((await readdir(join(userDir, 'default.target.wants'))).sort()).toEqual(['plain.service', 'tick.timer', 'web.socket'])

    expect(await runModule('systemd-unit', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect((await standIns.takeLines()).at(-1)).toBe('systemctl --user daemon-reload')
    expect(await readdir(userDir)).toEqual(['default.target.wants'])
  })

  test('check: asks systemctl is-active about the units activation started; failing names the unit that is not active', async () => {
    const root = await sharedTestDir()
    // start/stop change the stand-in's active units; is-active answers one state per unit (exit 3
    // unless all are active), as systemd does.
    const { standIns, activeDir: active } = await createSystemctlStandIn(root)
    const component = join(root, 'units')
    const units = join(component, 'etc', 'systemd', 'system')
    await put(join(units, 'web.service'), '[Service]\nExecStart=/bin/web\n')
    await put(join(units, 'web.socket'), '[Socket]\nListenStream=5123\n')
    await put(join(units, 'plain.service'), '[Service]\nExecStart=/bin/plain\n')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), PATH: standIns.path, systemdTargetDir: join(root, 'system') }
    const check = () => runModule('systemd-unit', 'check', component, env)

    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: 'systemd unit: plain.service is inactive' })
    expect(await standIns.takeLines()).toEqual(['systemctl is-active plain.service web.socket'])

    expect(await runModule('systemd-unit', 'activate', component, env)).toMatchObject({ exitCode: 0 })
    await standIns.takeLines()
    expect(await check()).toMatchObject({ exitCode: 0, stdout: 'healthy: systemd units are active: plain.service, web.socket', stderr: '' })
    expect(await standIns.takeLines()).toEqual(['systemctl is-active plain.service web.socket'])

    // The socket is gone (stopped, or the unit failed): the check names it.
    await rm(join(active, 'web.socket'))
    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: 'systemd unit: web.socket is inactive' })

    // systemctl that cannot reach systemd answers with an error instead of states.
    await put(join(standIns.binDir, 'systemctl'), '#!/bin/bash\necho "Failed to connect to bus: No such file or directory" >&2\nexit 1\n', 0o755)
    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: 'Cannot ask systemd about the units: Failed to connect to bus: No such file or directory' })

    // With systemdUserServices=1 the user's systemd is asked.
    await put(join(standIns.binDir, 'systemctl'), `#!/bin/bash\necho "$*" >> ${join(root, 'user-calls')}\necho active\necho active\n`, 0o755)
    expect(await runModule('systemd-unit', 'check', component, { ...env, systemdUserServices: '1', HOME: root })).toMatchObject({ exitCode: 0 })
    expect(await readFile(join(root, 'user-calls'), 'utf8')).toBe('--user is-active plain.service web.socket\n')
  })

  test('a unit that fails to start fails the activation with systemctl’s message and rolls back', async () => {
    const { root, standIns, component, units, targetDir } = await setUp()
    await put(join(units, 'broken.service'), '[Service]\nExecStart=/bin/false\n')
    const env = { DYSNOMIA_STATEDIR: join(root, 'state'), PATH: standIns.path, systemdTargetDir: targetDir }

    const activate = await runModule('systemd-unit', 'activate', component, env)
    expect(activate).toMatchObject({ exitCode: 1, stderr: 'Job for broken.service failed.' })
    expect(await standIns.takeLines()).toEqual([
      'systemctl --system daemon-reload',
      'systemctl start broken.service',
      'systemctl stop web.socket',
      'systemctl stop tick.timer',
      'systemctl stop broken.service',
      'systemctl stop plain.service',
      'systemctl stop tick.service',
      'systemctl stop web.service',
      'systemctl --system daemon-reload',
    ])
    expect(await readdir(targetDir)).toEqual(['dysnomia.target.wants'])
    expect(await exists(join(root, 'state', 'activated'))).toBe(false)
  })
})
