import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runBin, testDir } from '@disnix-ts/libmain/testing'
import { describe, expect, test } from 'vitest'

// disnix-activate against a client interface that is a small script (the interface contract is a
// process), so that each exit status of the transition can be produced without any target.

const INTERFACE = `#!/bin/sh
op=$1
for last; do :; done
echo "$op $last" >> "$IFACE_LOG"
case "$op $last" in
  "--activate $FAIL_ACTIVATE"|"--deactivate $FAIL_DEACTIVATE") exit 1 ;;
esac
`

/** A service of the test manifests: its name, and the names of the services it depends on. */
type TestService = [name: string, dependsOn?: string[]]

const key = (name: string) => name.repeat(64).slice(0, 64)
const pkg = (name: string) => `/nix/store/${'0'.repeat(32)}-${name}`

/** A manifest with the services on the one target `box`, reached through the script interface. */
function manifestXml(iface: string, services: readonly TestService[]): string {
  const mapping = (name: string) => `<mapping><container>echo</container><service>${key(name)}</service><target>box</target></mapping>`
  return `<?xml version="1.0"?>
<manifest version="2">
  <profiles><profile name="box">/nix/store/${'1'.repeat(32)}-box</profile></profiles>
  <services>
${services
  .map(([name, dependsOn = []]) => `    <service name="${key(name)}"><name>${name}</name><pkg>${pkg(name)}</pkg><type>echo</type><dependsOn>${dependsOn.map(mapping).join('')}</dependsOn><connectsTo/><providesContainers/></service>`)
  .join('\n')}
  </services>
  <infrastructure>
    <target name="box">
      <properties type="attrs"><property name="hostname" type="string">box</property></properties>
      <containers/>
      <system>x86_64-linux</system>
      <numOfCores>1</numOfCores>
      <clientInterface>${iface}</clientInterface>
      <targetProperty>hostname</targetProperty>
    </target>
  </infrastructure>
  <serviceMappings>${services.map(([name]) => mapping(name)).join('')}</serviceMappings>
  <snapshotMappings/>
</manifest>
`
}

async function activate(options: { old?: readonly TestService[]; next: readonly TestService[]; failActivate?: string; failDeactivate?: string }) {
  const dir = await testDir()
  const iface = join(dir, 'interface')
  await writeFile(iface, INTERFACE)
  await chmod(iface, 0o755)
  const next = join(dir, 'new.xml')
  await writeFile(next, manifestXml(iface, options.next))
  const args = ['--coordinator-profile-path', dir, next]
  let old: string | undefined
  if (options.old !== undefined) {
    old = join(dir, 'old.xml')
    await writeFile(old, manifestXml(iface, options.old))
    args.unshift('-o', old)
  }
  const log = join(dir, 'log')
  await writeFile(log, '')
  const env = { IFACE_LOG: log, FAIL_ACTIVATE: options.failActivate ? pkg(options.failActivate) : '', FAIL_DEACTIVATE: options.failDeactivate ? pkg(options.failDeactivate) : '' }
  const result = await runBin('disnix-activate', ['--verbose', ...args], { env })
  const calls = (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '').map((l) => l.replace(/\/nix\/store\/0+-/, ''))
  return { ...result, calls, dir, next, old }
}

describe('disnix-activate exit statuses (the TransitionStatus of the original)', () => {
  test('0: the new configuration is active', async () => {
    const r = await activate({ next: [['db'], ['web', ['db']]] })
    expect(r.calls).toEqual(['--activate db', '--activate web'])
    expect(r.stderr).toContain('[coordinator]: The new configuration has been successfully activated!\n')
    expect(r.exitCode).toBe(0)
  })

  test('1: a failing activation is rolled back and the previous configuration is active again', async () => {
    const r = await activate({ next: [['db'], ['web', ['db']]], failActivate: 'web' })
    expect(r.calls).toEqual(['--activate db', '--activate web', '--deactivate db'])
    expect(r.stderr).toContain('[coordinator]: ERROR: Transition phase execution failed!\n')
    expect(r.stderr).not.toContain('Please inspect the targets')
    expect(r.exitCode).toBe(1)
  })

  test('2: restoring the obsolete services failed; the hint reactivates the previous configuration', async () => {
    const r = await activate({ old: [['db'], ['web', ['db']]], next: [], failDeactivate: 'db', failActivate: 'web' })
    expect(r.calls).toEqual(['--deactivate web', '--deactivate db', '--activate web'])
    expect(r.stderr).toContain(
      `[coordinator]: Please inspect the targets, then try: disnix-activate --no-upgrade --no-rollback -p default --coordinator-profile-path ${r.dir} ${r.old}\n`,
    )
    expect(r.exitCode).toBe(2)
  })

  test('3: deactivating the new services failed; the hint deactivates them', async () => {
    const r = await activate({ old: [], next: [['db'], ['web', ['db']]], failActivate: 'web', failDeactivate: 'db' })
    expect(r.calls).toEqual(['--activate db', '--activate web', '--deactivate db'])
    expect(r.stderr).toContain(
      `[coordinator]: Please inspect the targets, then try: disnix-activate --no-rollback -p default --coordinator-profile-path ${r.dir} -o ${r.next} ${r.old}\n`,
    )
    expect(r.exitCode).toBe(3)
  })
})
