import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runBin, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

// disnix-activate against a client interface that is a small script (the interface contract is a
// process), so that each exit status of the transition can be produced without any target.

const INTERFACE = `#!/bin/sh
op=$1
for last; do :; done
echo "$op $last" >> "$IFACE_LOG"
if [ "$op" = --check ]; then echo "healthy: running"; exit 0; fi
case "$op $last" in
  "--activate $FAIL_ACTIVATE"|"--deactivate $FAIL_DEACTIVATE") echo "module: cannot $op" >&2; echo "module: giving up" >&2; exit 1 ;;
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

async function activate(options: { old?: readonly TestService[]; next: readonly TestService[]; failActivate?: string; failDeactivate?: string; flags?: string[]; healthChecks?: boolean }) {
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
  const gate = options.healthChecks === true ? [] : ['--no-health-checks']
  const result = await runBin('disnix-activate', [...gate, ...(options.flags ?? ['--verbose']), ...args], { env })
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

describe('disnix-activate output', () => {
  test('--dry-run prints the plan on stdout, in order, and touches nothing', async () => {
    const r = await activate({ next: [['db'], ['web', ['db']]], flags: ['--dry-run'] })
    expect(r.calls).toEqual([])
    expect(r.exitCode).toBe(0)
    const lines = r.stdout.split('\n').filter((l) => l !== '')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toContain(`[target: box]: Dry-run activating service with key: ${key('db')} and package: ${pkg('db')} with module: echo`)
    expect(lines[1]).toContain(`[target: box]: Dry-run activating service with key: ${key('web')} and package: ${pkg('web')} with module: echo`)
    expect(r.stderr).not.toContain('Dry-run')
  })

  test('a failure names the service, keeps the target prefix on the module output, and the run ends with a summary', async () => {
    const r = await activate({ next: [['db'], ['web', ['db']]], failActivate: 'web' })
    expect(r.stderr).toContain('[target: box]: Activation failed of service: web\n[target: box]: ')
    expect(r.stderr).toContain('[target: box]: module: cannot --activate\n[target: box]: module: giving up\n')
    expect(r.stderr).toMatch(/\[coordinator\]: Failed after \d+\.\d s:\n\[coordinator\]: {3}box: activated db; rolled back: deactivated db; failed: activate web\n$/)
  })

  test('--log-format json: one event per line; the events add up to what happened', async () => {
    const r = await activate({ next: [['db'], ['web', ['db']]], failActivate: 'web', flags: ['--log-format', 'json'] })
    expect(r.exitCode).toBe(1)
    const events = r.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(events[0]).toMatchObject({ v: 1, tool: 'disnix-activate', event: 'run-start' })
    const ends = events.filter((e) => e.event === 'step-end')
    expect(ends.map((e) => [e.operation, e.service, e.status, e.rollback ?? false])).toEqual([
      ['activate', 'db', 'done', false],
      ['activate', 'web', 'failed', false],
      ['deactivate', 'db', 'done', true],
    ])
    expect(ends[1]).toMatchObject({ target: 'box', key: key('web'), container: 'echo', error: { reason: expect.stringContaining('module: giving up') } })
    expect(events.at(-1)).toMatchObject({
      event: 'run-end',
      status: 'failed',
      exitStatus: 1,
      targets: { box: { done: { activate: ['db'] }, rolledBack: { deactivate: ['db'] }, failed: ['activate web'] } },
    })
  })

  test('--log-format json with many services settling at once: still nothing but events on stderr', async () => {
    // Every settling service waits on the run's one abort signal; Node warned on stderr (breaking the
    // event stream) once more than ten did.
    const names = Array.from({ length: 16 }, (_, i) => `svc${i}`)
    const r = await activate({ next: names.map((name) => [name]), flags: ['--log-format', 'json'], healthChecks: true })
    expect(r.stderr).not.toContain('Warning')
    const events = r.stderr.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(events.filter((e) => e.event === 'step-end' && e.operation === 'check')).toHaveLength(16)
    expect(r.exitCode).toBe(0)
  })
})
