import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runBin } from '@disnix-ts/libmain/testing'
import { generations, latestSnapshot, makeComponent, runModule, sharedTempDir, startEjabberd, type EjabberdServer } from '@disnix-ts/test-servers'

const MODULE = 'ejabberd-dump'
let server: EjabberdServer
let work: string
let stateDir: string
let props: Record<string, string>
let initialDump: string

beforeAll(async () => {
  server = await startEjabberd()
  work = await sharedTempDir('disnix-ejabberdmod-')
  stateDir = join(work, 'state')
  props = { DYSNOMIA_STATEDIR: stateDir, ...server.properties, timeout: '5' }
  // The initial state: a dump holding the admin account, taken from a node that then forgets it.
  await server.ctl(['register', 'admin', 'localhost', 'admin-pw'])
  const seed = join(server.scratchDir, 'seed.dump')
  await server.ctl(['dump', seed])
  initialDump = await readFile(seed, 'utf8')
  await server.ctl(['unregister', 'admin', 'localhost'])
})

afterAll(async () => {
  await server?.stop()
  if (work) await rm(work, { recursive: true, force: true })
})

async function ok(operation: string, component: string, env = props): Promise<string> {
  const result = await runModule(MODULE, operation, component, env)
  expect(result.exitCode, `${operation}: ${result.stderr}`).toBe(0)
  return result.stderr
}

async function users(): Promise<string> {
  return server.ctl(['registered_users', 'localhost'])
}

describe('ejabberd-dump module', () => {
  test('runs the whole lifecycle: activate, snapshot, deactivate, collect-garbage, restore', async () => {
    const component = await makeComponent(work, 'ejabberddump', { 'ejabberd-dump/dump': initialDump })
    expect(await users()).toBe('')

    await ok('activate', component)
    expect(await users()).toBe('admin')
    await ok('activate', component)
    expect(await users()).toBe('admin')

    await ok('snapshot', component)
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'ejabberddump')).toHaveLength(1)
    const first = join(await latestSnapshot(stateDir, MODULE, 'ejabberddump'), 'dump')
    expect((await generations(stateDir, MODULE, 'ejabberddump'))[0]).toBe(createHash('sha256').update(await readFile(first)).digest('hex'))

    for (let i = 0; i < 3; i++) await server.ctl(['register', `user${i}`, 'localhost', `pw${i}`])
    const expectedUsers = await users()
    await ok('snapshot', component)
    const ids = await generations(stateDir, MODULE, 'ejabberddump')
    expect(ids).toHaveLength(2)

    await ok('collect-garbage', component)
    expect(await users()).toBe(expectedUsers)
    await ok('deactivate', component)
    await ok('deactivate', component)
    expect(await users()).toBe(expectedUsers)

    const running = await runModule(MODULE, 'collect-garbage', component, props)
    expect(running.exitCode).not.toBe(0)
    expect(running.stderr).toBe('ejabberd-dump: the ejabberd node is still running: stop it before collecting its garbage')
    expect(existsSync(join(stateDir, 'garbage', MODULE, 'ejabberddump'))).toBe(true)

    await server.stopNode()
    await ok('collect-garbage', component)
    expect(await readdir(server.spoolDir)).toEqual([])
    expect(existsSync(join(stateDir, 'garbage', MODULE, 'ejabberddump'))).toBe(false)

    await server.startNode()
    expect(await users()).toBe('')
    await ok('activate', component)
    expect(await users()).toBe('admin')
    await ok('restore', component)
    expect(await users()).toBe(expectedUsers)
    // The node holds exactly the snapshot's data again: a new snapshot is the same generation.
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'ejabberddump')).toEqual(ids)

    const args = ['--query-all', '--check', '--container', MODULE, '--component', 'ejabberddump']
    const check = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(check.exitCode, check.stderr).toBe(0)
    expect(check.stdout).toBe(ids.map((id) => `${MODULE}/ejabberddump/${id}\n`).join(''))
    const dump = join(await latestSnapshot(stateDir, MODULE, 'ejabberddump'), 'dump')
    await chmod(dump, 0o644)
    await writeFile(dump, 'junk')
    const corrupted = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(corrupted.exitCode).not.toBe(0)
    expect(corrupted.stderr).toContain(`Checksum mismatch detected for snapshot: ${MODULE}/ejabberddump/${ids[1]}`)
  }, 300_000) // every ejabberdctl call boots an Erlang VM (about a second each)

  test('accepts a component that is the dump file itself', async () => {
    await server.ctl(['register', 'single', 'localhost', 'pw'])
    const seed = join(server.scratchDir, 'single.dump')
    await server.ctl(['dump', seed])
    await server.ctl(['unregister', 'single', 'localhost'])
    const component = join(work, 'single-dump')
    await writeFile(component, await readFile(seed))
    await ok('activate', component)
    expect((await users()).split('\n')).toContain('single')
  })

  test('fails with the module name when the node does not answer or the dump is broken', async () => {
    const component = await makeComponent(work, 'brokendump', { 'ejabberd-dump/dump': 'this is not a dump' })
    const broken = await runModule(MODULE, 'activate', component, props)
    expect(broken.exitCode).not.toBe(0)
    expect(broken.stderr).toMatch(/^ejabberd-dump: cannot load dump: .*brokendump\/ejabberd-dump\/dump$/m)
    expect(existsSync(join(stateDir, 'activated', MODULE, 'brokendump'))).toBe(false)

    const wrongNode = await runModule(MODULE, 'activate', component, { ...props, ejabberdNode: 'nosuchnode@localhost', timeout: '2' })
    expect(wrongNode.exitCode).not.toBe(0)
    expect(wrongNode.stderr).toMatch(/Failed RPC connection to the node nosuchnode@localhost/)
    expect(wrongNode.stderr).toMatch(/^ejabberd-dump: the ejabberd node does not answer \(node: nosuchnode@localhost\)$/m)
    expect(existsSync(join(stateDir, 'activated', MODULE, 'brokendump'))).toBe(false)
  }, 120_000)

  test('check: healthy while the node answers; failing once its Erlang VM is killed, healthy again after a restart', async () => {
    const component = await makeComponent(work, 'checkdump', {})
    const check = () => runModule(MODULE, 'check', component, props)

    const healthy = await check()
    expect(healthy).toMatchObject({ exitCode: 0, stderr: '' })
    expect(healthy.stdout).toMatch(/^healthy: the ejabberd node answers: The node disnixtest\S+@localhost is started/)

    await server.kill()
    const killed = await check()
    expect(killed).toMatchObject({ exitCode: 1, stdout: '' })
    expect(killed.stderr).toMatch(/^The ejabberd node does not answer: Failed RPC connection to the node disnixtest\S+@localhost: nodedown$/)

    await server.startNode()
    expect(await check()).toMatchObject({ exitCode: 0 })
  }, 120_000)

  test('shell prints the suggested commands', async () => {
    const component = await makeComponent(work, 'shelldump', {})
    const r = await runModule(MODULE, 'shell', component, props)
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain("control the ejabberd node of 'shelldump'")
    expect(r.stderr).toContain(`ejabberdctl --config-dir ${server.properties.ejabberdConfigDir} `)
    expect(r.stderr).toMatch(/registered_users HOST/)
  })
})
