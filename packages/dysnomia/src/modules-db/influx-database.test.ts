import { existsSync } from 'node:fs'
import { readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest'
import { runBin } from '@disnix-ts/libmain/testing'
import { freePort, generations, latestSnapshot, makeComponent, runModule, sharedTempDir, startInfluxdb, type InfluxServer } from '@disnix-ts/test-servers'

const MODULE = 'influx-database'
let server: InfluxServer
let work: string
let stateDir: string
let props: Record<string, string>

beforeAll(async () => {
  server = await startInfluxdb()
  work = await sharedTempDir('disnix-influxmod-')
  stateDir = join(work, 'state')
  props = { DYSNOMIA_STATEDIR: stateDir, influxdbHttpPort: String(server.httpPort), influxdbRpcPort: String(server.rpcPort), timeout: '3' }
})

afterAll(async () => {
  await server?.stop()
  if (work) await rm(work, { recursive: true, force: true })
})

const importFile = (db: string): string =>
  `# DDL\nCREATE DATABASE ${db}\n# DML\n# CONTEXT-DATABASE: ${db}\ncpu,host=serverA value=0.64 1000000000\n`

async function ok(operation: string, component: string, env = props): Promise<string> {
  const result = await runModule(MODULE, operation, component, env)
  expect(result.exitCode, `${operation}: ${result.stderr}`).toBe(0)
  return result.stderr
}

async function databases(): Promise<string[]> {
  return (await server.query('SHOW DATABASES')).split('\n').slice(1)
}

async function write(db: string, lines: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/write?db=${encodeURIComponent(db)}`, { method: 'POST', body: lines })
  expect(response.status).toBe(204)
}

describe('influx-database module: check', () => {
  test('healthy while the server answers and the database exists; failing without the database and once the server is killed', async () => {
    // A server of this test alone: it is killed at the end.
    const own = await startInfluxdb()
    onTestFinished(() => own.stop())
    const env = { ...props, influxdbHttpPort: String(own.httpPort), influxdbRpcPort: String(own.rpcPort), checkTimeout: '3' }
    const component = await makeComponent(work, 'checkdb', {})
    const check = () => runModule(MODULE, 'check', component, env)

    expect(await check()).toEqual({ exitCode: 1, stdout: '', stderr: `InfluxDB database: checkdb does not exist (server on port: ${own.httpPort})` })
    await ok('activate', component, env)
    expect(await check()).toEqual({ exitCode: 0, stdout: `healthy: InfluxDB database: checkdb exists (server on port: ${own.httpPort})`, stderr: '' })

    await own.kill()
    const killed = await check()
    expect(killed.exitCode).toBe(1)
    expect(killed.stdout).toBe('')
    expect(killed.stderr).toMatch(new RegExp(`^Cannot query the InfluxDB server on port: ${own.httpPort}: Failed to connect to http://localhost:${own.httpPort}: .*connection refused`))
  })
})

describe('influx-database module', () => {
  test('runs the whole lifecycle: activate, snapshot, deactivate, collect-garbage, restore', async () => {
    const component = await makeComponent(work, 'testdb', { 'influx-databases/testdb': importFile('testdb') })

    await ok('activate', component)
    expect(await server.query('SELECT * FROM cpu', 'testdb')).toBe('name,time,host,value\ncpu,1000000000,serverA,0.64')
    await ok('activate', component)
    expect(await server.query('SELECT count(value) FROM cpu', 'testdb')).toBe('name,time,count\ncpu,0,1')

    await ok('snapshot', component)
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'testdb')).toHaveLength(1)
    const payload = join(await latestSnapshot(stateDir, MODULE, 'testdb'), 'dump')
    expect((await readdir(payload)).sort()).toEqual(['dump.manifest', 'dump.meta', 'dump.s1.tar.gz'])

    const points = Array.from({ length: 300 }, (_, i) => `cpu,host=serverB value=${i}.5 ${2_000_000_000 + i * 1000}`).join('\n')
    await write('testdb', points)
    const expected = await server.query('SELECT * FROM cpu', 'testdb')
    expect(expected.split('\n')).toHaveLength(302)
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'testdb')).toHaveLength(2)

    await ok('collect-garbage', component)
    expect(await server.query('SELECT * FROM cpu', 'testdb')).toBe(expected)
    await ok('deactivate', component)
    await ok('deactivate', component)
    expect(await server.query('SELECT * FROM cpu', 'testdb')).toBe(expected)
    await ok('collect-garbage', component)
    expect(await databases()).not.toContain('databases,testdb')

    await ok('activate', component)
    expect(await server.query('SELECT count(value) FROM cpu', 'testdb')).toBe('name,time,count\ncpu,0,1')
    await ok('restore', component)
    expect(await server.query('SELECT * FROM cpu', 'testdb')).toBe(expected)
    // A restore gives the shards new ids, which are part of the backup: one more generation.
    await ok('snapshot', component)
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'testdb')).toHaveLength(3)

    const args = ['--query-all', '--check', '--container', MODULE, '--component', 'testdb']
    const check = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(check.exitCode, check.stderr).toBe(0)
    expect(check.stdout.trim().split('\n')).toHaveLength(3)
    await writeFile(join(await latestSnapshot(stateDir, MODULE, 'testdb'), 'dump', 'dump.s1.tar.gz'), 'junk')
    const corrupted = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(corrupted.exitCode).not.toBe(0)
    expect(corrupted.stderr).toMatch(/Checksum mismatch detected for snapshot: influx-database\/testdb\//)
  })

  test('quotes the database name, so a name with quotes and spaces cannot inject InfluxQL', async () => {
    const name = `we"ird d,b'; DROP DATABASE canary`
    await server.query('CREATE DATABASE canary')
    const component = await makeComponent(work, name, {})
    await ok('activate', component)
    expect(await databases()).toContain(`databases,"we""ird d,b'; DROP DATABASE canary"`)
    await ok('activate', component)
    await write(name, 'mem,host=a value=1 1000')
    await ok('snapshot', component)
    await ok('restore', component)
    expect(await server.query('SELECT * FROM mem', name)).toBe('name,time,host,value\nmem,1000,a,1')
    await ok('deactivate', component)
    await ok('collect-garbage', component)
    expect((await databases()).filter((d) => d.includes('ird'))).toEqual([])
    expect(await databases()).toContain('databases,canary')
  })

  test('fails with the module name and the server error on a wrong port, and a broken import leaves nothing', async () => {
    const component = await makeComponent(work, 'baddb', { 'influx-databases/a': '# DDL\nCREATE DATABASE baddb\n# DML\n# CONTEXT-DATABASE: baddb\nnot a point\n' })
    const closed = String(await freePort())
    const wrongPort = await runModule(MODULE, 'activate', component, { ...props, influxdbHttpPort: closed, timeout: '2' })
    expect(wrongPort.exitCode).not.toBe(0)
    expect(wrongPort.stderr).toContain(`influx-database: no InfluxDB server is listening on port: ${closed}`)

    const wrongRpc = await runModule(MODULE, 'snapshot', component, { ...props, influxdbRpcPort: closed, timeout: '2' })
    expect(wrongRpc.exitCode).not.toBe(0)
    expect(wrongRpc.stderr).toMatch(new RegExp(`^influx-database: no InfluxDB backup/restore service is listening on port: ${closed}$`, 'm'))

    const missing = await runModule(MODULE, 'snapshot', component, props)
    expect(missing.exitCode).not.toBe(0)
    expect(missing.stderr).toBe('influx-database: cannot back up database: baddb: it does not exist')
    expect(existsSync(join(stateDir, 'snapshots', MODULE, 'baddb'))).toBe(false)
    expect(await readdir(join(stateDir, 'tmp'))).toEqual([])

    const broken = await runModule(MODULE, 'activate', component, props)
    expect(broken.exitCode).not.toBe(0)
    expect(broken.stderr).toMatch(/unable to parse 'not a point'/)
    expect(broken.stderr).toMatch(/^influx-database: cannot import: .* into database: baddb/m)
    expect(await databases()).not.toContain('databases,baddb')
    expect(existsSync(join(stateDir, 'activated', MODULE, 'baddb'))).toBe(false)
  })

  test('shell prints the suggested commands', async () => {
    const component = await makeComponent(work, 'shelldb', {})
    const r = await runModule(MODULE, 'shell', component, props)
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain("control the 'shelldb' InfluxDB database")
    expect(r.stderr).toContain(`influx -port ${server.httpPort} -database shelldb`)
  })
})
