import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createStandIns, exists, put, runModule, sharedTestDir } from '@disnix-ts/test-servers'

// Not macOS: the launchctlPath property points the module at a stand-in that records the calls
// (and fails to start the label "broken").
async function setUp() {
  const root = await sharedTestDir()
  const standIns = await createStandIns(root, {
    launchctl: { script: 'if [ "$1" = start ] && [ "$2" = broken ]; then echo "launchctl: could not start broken" >&2; exit 1; fi' },
  })
  const component = join(root, 'daemons')
  await put(join(component, 'Library', 'LaunchDaemons', 'org.example.web.plist'), '<plist><dict><key>Label</key><string>org.example.web</string></dict></plist>\n')
  const targetDir = join(root, 'LaunchDaemons')
  const env = { DYSNOMIA_STATEDIR: join(root, 'state'), launchdTargetDir: targetDir, launchctlPath: join(standIns.binDir, 'launchctl') }
  return { root, standIns, component, targetDir, env }
}

describe('launchd-daemon module (stand-in launchctl)', () => {
  test('copies, loads and starts the daemons, and stops, unloads and removes them', async () => {
    const { root, standIns, component, targetDir, env } = await setUp()
    expect(await runModule('launchd-daemon', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    const plist = join(targetDir, 'org.example.web.plist')
    expect(await standIns.takeLines()).toEqual([`launchctl load -w ${plist}`, 'launchctl start org.example.web'])
    expect(await readFile(plist, 'utf8')).toContain('<string>org.example.web</string>')
    expect(await exists(join(root, 'state', 'activated', 'launchd-daemon', 'daemons'))).toBe(true)

    expect(await runModule('launchd-daemon', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.takeLines()).toEqual(['launchctl stop org.example.web', `launchctl unload ${plist}`])
    expect(await readdir(targetDir)).toEqual([])
    expect(await runModule('launchd-daemon', 'deactivate', component, env)).toMatchObject({ exitCode: 0 })
    expect(await standIns.takeLines()).toEqual([])
  })

  test('a daemon that fails to start fails the activation and is unloaded again', async () => {
    const { standIns, component, targetDir, env } = await setUp()
    await put(join(component, 'Library', 'LaunchDaemons', 'broken.plist'), '<plist/>\n')
    const activate = await runModule('launchd-daemon', 'activate', component, env)
    expect(activate).toMatchObject({ exitCode: 1, stderr: 'launchctl: could not start broken' })
    expect(await standIns.takeLines()).toEqual([
      `launchctl load -w ${join(targetDir, 'broken.plist')}`,
      'launchctl start broken',
      'launchctl stop broken',
      `launchctl unload ${join(targetDir, 'broken.plist')}`,
    ])
    expect(await readdir(targetDir)).toEqual([])
  })
})
