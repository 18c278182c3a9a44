import { createHash } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest'
import { runBin } from '@disnix-ts/test-utils'
import {
  argvLeaks,
  runModuleUntilSaid,
  generations,
  latestSnapshot,
  makeComponent,
  recordingWrappers,
  runModule,
  sharedTempDir,
  startPostgres,
  type PostgresServer,
} from '@disnix-ts/test-servers'

const MODULE = 'postgresql-database'
let server: PostgresServer
let work: string
let stateDir: string
let props: Record<string, string>

beforeAll(async () => {
  server = await startPostgres()
  work = await sharedTempDir('disnix-pgmod-')
  stateDir = join(work, 'state')
  props = {
    DYSNOMIA_STATEDIR: stateDir,
    postgresqlUsername: 'postgres',
    postgresqlRuntimeDir: server.socketDir,
    postgresqlPort: String(server.port),
    timeout: '3',
  }
})

afterAll(async () => {
  await server?.stop()
  if (work) await rm(work, { recursive: true, force: true })
})

const schema = "CREATE TABLE test (id serial PRIMARY KEY, msg text NOT NULL);\nINSERT INTO test (msg) VALUES ('Hello world');\n"

async function ok(operation: string, component: string, env = props): Promise<string> {
  const result = await runModule(MODULE, operation, component, env)
  expect(result.stderr, `${operation} failed`).not.toMatch(/ERROR|error:/)
  expect(result.exitCode, `${operation}: ${result.stderr}`).toBe(0)
  return result.stderr
}

/** Row count and a checksum over every row, to compare data exactly. */
async function fingerprint(db: string): Promise<string> {
  return server.psql("SELECT count(*) || ':' || md5(coalesce(string_agg(id || '=' || msg, ',' ORDER BY id), '')) FROM test", db)
}

async function databaseExists(name: string): Promise<boolean> {
  const rows = await server.psql('SELECT datname FROM pg_database')
  return rows.split('\n').includes(name)
}

describe('postgresql-database module: check', () => {
  test('healthy while the server answers and the database exists; failing without the database, without the server, and once it is killed', async () => {
    // A server of this test alone: it is killed at the end.
    const own = await startPostgres()
    onTestFinished(() => own.stop())
    const env = { ...props, postgresqlRuntimeDir: own.socketDir, postgresqlPort: String(own.port), checkTimeout: '3' }
    const component = await makeComponent(work, 'checkdb', { 'postgresql-databases/checkdb.sql': schema })
    const socket = join(own.socketDir, `.s.PGSQL.${own.port}`)
    const check = (extra: Record<string, string> = {}) => runModule(MODULE, 'check', component, { ...env, ...extra })

    expect(await check()).toEqual({ exitCode: 1, stdout: '', stderr: `PostgreSQL database: checkdb does not exist (server: ${socket})` })
    await ok('activate', component, env)
    expect(await check()).toEqual({ exitCode: 0, stdout: `healthy: PostgreSQL database: checkdb exists (server: ${socket})`, stderr: '' })

    const wrongPort = join(own.socketDir, '.s.PGSQL.1')
    expect(await check({ postgresqlPort: '1' })).toEqual({ exitCode: 1, stdout: '', stderr: `No PostgreSQL server is listening on: ${wrongPort}` })

    await own.kill()
    const killed = await check()
    expect(killed.exitCode).toBe(1)
    expect(killed.stdout).toBe('')
    // SIGKILL leaves the socket file behind; nobody accepts connections on it.
    expect(killed.stderr).toMatch(new RegExp(`^Cannot query the PostgreSQL server on ${socket}: psql: error: connection to server on socket "${socket}" failed: Connection refused$`))
  })
})

describe('postgresql-database module', () => {
  test('runs the whole lifecycle: activate, snapshot, deactivate, collect-garbage, restore', async () => {
    const component = await makeComponent(work, 'testdb', { 'postgresql-databases/testdb.sql': schema })

    await ok('activate', component)
    expect(await server.psql('SELECT msg FROM test', 'testdb')).toBe('Hello world')
    expect(existsSync(join(stateDir, 'activated', MODULE, 'testdb'))).toBe(true)
    await ok('activate', component)
    expect(await server.psql('SELECT count(*) FROM test', 'testdb')).toBe('1')

    await ok('snapshot', component)
    await ok('snapshot', component)
    const first = await generations(stateDir, MODULE, 'testdb')
    expect(first).toHaveLength(1)
    const dump = join(await latestSnapshot(stateDir, MODULE, 'testdb'), 'dump.pgsql.xz')
    expect(first[0]).toBe(createHash('sha256').update(await readFile(dump)).digest('hex'))

    await server.psql("INSERT INTO test (msg) SELECT 'Bye world ' || g FROM generate_series(1, 500) g", 'testdb')
    const expected = await fingerprint('testdb')
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'testdb')).toHaveLength(2)

    await ok('collect-garbage', component)
    expect(await fingerprint('testdb')).toBe(expected)

    await ok('deactivate', component)
    await ok('deactivate', component)
    expect(existsSync(join(stateDir, 'garbage', MODULE, 'testdb'))).toBe(true)
    expect(await fingerprint('testdb')).toBe(expected)

    await ok('collect-garbage', component)
    expect(await databaseExists('testdb')).toBe(false)
    expect(existsSync(join(stateDir, 'garbage', MODULE, 'testdb'))).toBe(false)

    await ok('activate', component)
    expect(await server.psql('SELECT count(*) FROM test', 'testdb')).toBe('1')
    await ok('restore', component)
    expect(await fingerprint('testdb')).toBe(expected)

    // The restored data snapshots to the same id: no new generation.
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'testdb')).toHaveLength(2)

    const check = await runBin('dysnomia-snapshots', ['--query-all', '--check', '--container', MODULE, '--component', 'testdb'], {
      env: { DYSNOMIA_STATEDIR: stateDir },
    })
    expect(check.stderr).toBe('')
    expect(check.exitCode).toBe(0)
    expect(check.stdout.trim().split('\n')).toHaveLength(2)

    await writeFile(dump, 'junk')
    const corrupted = await runBin('dysnomia-snapshots', ['--query-all', '--check', '--container', MODULE, '--component', 'testdb'], {
      env: { DYSNOMIA_STATEDIR: stateDir },
    })
    expect(corrupted.exitCode).not.toBe(0)
    expect(corrupted.stderr).toMatch(/Checksum mismatch detected for snapshot: postgresql-database\/testdb\//)
  })

  test('restore without any snapshot does nothing', async () => {
    const component = await makeComponent(work, 'nosnapdb', { 'postgresql-databases/a.sql': schema })
    await ok('activate', component)
    await server.psql("INSERT INTO test (msg) VALUES ('kept')", 'nosnapdb')
    await ok('restore', component)
    expect(await server.psql('SELECT count(*) FROM test', 'nosnapdb')).toBe('2')
  })

  test('quotes the database name, so a name with quotes and spaces cannot inject SQL', async () => {
    const name = `we"ird 'db; DROP DATABASE canary; --`
    await server.psql('CREATE DATABASE canary')
    const component = await makeComponent(work, name, { 'postgresql-databases/a.sql': schema })
    await ok('activate', component)
    expect(await databaseExists(name)).toBe(true)
    expect(await databaseExists('canary')).toBe(true)
    await ok('snapshot', component)
    await ok('restore', component)
    expect(await generations(stateDir, MODULE, name)).toHaveLength(1)
    await ok('deactivate', component)
    await ok('collect-garbage', component)
    expect(await databaseExists(name)).toBe(false)
    expect(await databaseExists('canary')).toBe(true)
  })

  test('keeps a password out of every argv and every output, and reports a wrong one', async () => {
    const secret = 'pg-p0ison-s3cret'
    await server.psql(`CREATE ROLE app LOGIN CREATEDB PASSWORD '${secret}'`)
    const passwordProps = { ...props, postgresqlUsername: 'app', postgresqlPassword: secret }
    const component = await makeComponent(work, 'appdb', { 'postgresql-databases/a.sql': schema })
    const wrappers = await recordingWrappers(join(work, 'wrap'), ['psql', 'pg_dump', 'createdb', 'dropdb', 'su'])

    const { result, leaks } = await argvLeaks(secret, async () => {
      const outputs: string[] = []
      for (const op of ['activate', 'snapshot', 'restore', 'shell', 'deactivate', 'collect-garbage']) {
        const r = await runModule(MODULE, op, component, { ...passwordProps, PATH: wrappers.path })
        expect(r.exitCode, `${op}: ${r.stderr}`).toBe(0)
        outputs.push(r.stdout, r.stderr)
      }
      return outputs.join('\n')
    })
    expect(leaks).toEqual([])
    expect(result).not.toContain(secret)
    const calls = (await wrappers.take()).map((call) => call.argv)
    expect(calls.map((c) => c[0])).toEqual(['psql', 'createdb', 'psql', 'pg_dump', 'dropdb', 'createdb', 'psql', 'dropdb'])
    expect(calls[1]).toEqual(['createdb', '-O', 'app', '--', 'appdb'])
    expect(JSON.stringify(calls)).not.toContain(secret)
    expect(await databaseExists('appdb')).toBe(false)

    const wrong = await runModule(MODULE, 'activate', component, { ...passwordProps, postgresqlPassword: 'wrong' })
    expect(wrong.exitCode).not.toBe(0)
    expect(wrong.stderr).toMatch(/password authentication failed for user "app"/)
    expect(wrong.stderr).toMatch(/^postgresql-database: cannot query the databases/m)
    expect(wrong.stderr).not.toContain('wrong')
    expect(existsSync(join(stateDir, 'activated', MODULE, 'appdb'))).toBe(false)
  })

  test('runs the clients as postgresqlUsername through su, with the name as a separate argument', async () => {
    const component = await makeComponent(work, 'sudb', {})
    const wrappers = await recordingWrappers(join(work, 'wrap-su'), ['su'])
    await ok('activate', component, props)
    const r = await runModule(MODULE, 'snapshot', component, { ...props, PATH: wrappers.path })
    expect(r.exitCode, r.stderr).toBe(0)
    const calls = (await wrappers.take()).map((call) => call.argv)
    expect(calls).toEqual([['su', 'postgres', '-s', '/bin/sh', '-c', 'exec "$0" "$@"', '--', 'pg_dump', '-d', "dbname='sudb'"]])
  })

  test('snapshotCompression=none stores the dump uncompressed in a valid .xz that restores; other values are refused', async () => {
    const component = await makeComponent(work, 'rawdb', { 'postgresql-databases/a.sql': schema })
    await ok('activate', component)
    const bad = await runModule(MODULE, 'snapshot', component, { ...props, snapshotCompression: 'gzip' })
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr).toBe("postgresql-database: invalid snapshotCompression: 'gzip' (auto or none)")
    expect(existsSync(join(stateDir, 'snapshots', MODULE, 'rawdb'))).toBe(false)
    await ok('snapshot', component, { ...props, snapshotCompression: 'none' })
    const dump = join(await latestSnapshot(stateDir, MODULE, 'rawdb'), 'dump.pgsql.xz')
    const text = (await execa('xz', ['-dc', dump])).stdout
    expect(text).toContain('Hello world')
    // Stored, not compressed: the .xz is larger than the dump itself.
    expect(statSync(dump).size).toBeGreaterThan(Buffer.byteLength(text))
    const before = await fingerprint('rawdb')
    await server.psql("INSERT INTO test (msg) VALUES ('after the snapshot')", 'rawdb')
    await ok('restore', component)
    expect(await fingerprint('rawdb')).toBe(before)
  })

  test('fails with the module name and the server error on a wrong port or a server that is down', async () => {
    const component = await makeComponent(work, 'baddb', { 'postgresql-databases/a.sql': schema })
    const wrongPort = await runModule(MODULE, 'activate', component, { ...props, postgresqlPort: '1', timeout: '2' })
    expect(wrongPort.exitCode).not.toBe(0)
    expect(wrongPort.stderr).toContain(`postgresql-database: no PostgreSQL server is listening on ${server.socketDir}/.s.PGSQL.1`)

    const emptyDir = join(work, 'no-server')
    await mkdir(emptyDir, { recursive: true })
    const down = await runModule(MODULE, 'activate', component, { ...props, postgresqlRuntimeDir: emptyDir, postgresqlPort: '', timeout: '1' })
    expect(down.exitCode).not.toBe(0)
    expect(down.stderr).toContain(`the PostgreSQL server on ${emptyDir}: not ready within 1 seconds: ${emptyDir}:5432 - no response`)
    expect(down.stderr).toMatch(/^postgresql-database: the PostgreSQL server on .*no-server does not accept connections$/m)
    expect(existsSync(join(stateDir, 'activated', MODULE, 'baddb'))).toBe(false)

    const snapshotDown = await runModule(MODULE, 'snapshot', component, { ...props, postgresqlRuntimeDir: emptyDir, postgresqlPort: '', timeout: '1' })
    expect(snapshotDown.exitCode).not.toBe(0)
    expect(snapshotDown.stderr).toMatch(/^postgresql-database: the PostgreSQL server on .*no-server does not accept connections$/m)
    expect(existsSync(join(stateDir, 'snapshots', MODULE, 'baddb'))).toBe(false)
  })

  test('activate waits until the server accepts connections, not just until its socket exists, within the timeout property', async () => {
    // A server that listens but does not answer, as during start-up or crash recovery: its
    // postmaster stopped (SIGSTOP). The kernel still queues connections on its socket.
    const own = await startPostgres()
    const pid = Number((await readFile(join(own.dir, 'data', 'postmaster.pid'), 'utf8')).split('\n')[0])
    process.kill(pid, 'SIGSTOP')
    onTestFinished(async () => {
      process.kill(pid, 'SIGCONT')
      await own.stop()
    })
    const env = { ...props, postgresqlRuntimeDir: own.socketDir, postgresqlPort: String(own.port) }
    const component = await makeComponent(work, 'readydb', { 'postgresql-databases/readydb.sql': schema })

    const gaveUp = await runModule(MODULE, 'activate', component, { ...env, timeout: '2' })
    expect(gaveUp.exitCode).toBe(1)
    expect(gaveUp.stderr).toContain(`Waiting for the PostgreSQL server on ${own.socketDir} port ${own.port}...`)
    expect(gaveUp.stderr).toContain(`${own.socketDir}:${own.port} - no response`)
    expect(gaveUp.stderr).toMatch(/^postgresql-database: the PostgreSQL server on .* does not accept connections$/m)

    // Within a longer timeout the server comes back (SIGCONT once the module says it waits) and
    // activate goes on to create the database.
    const { said, result } = await runModuleUntilSaid(MODULE, 'activate', component, { ...env, timeout: '120' }, 'Waiting for the PostgreSQL server', () =>
      process.kill(pid, 'SIGCONT'),
    )
    expect(said).toContain('Waiting for the PostgreSQL server')
    expect(result.exitCode, result.stderr).toBe(0)
    expect(await own.psql('SELECT count(*) FROM test', 'readydb')).toBe('1')
  })

  test('a broken initial schema leaves no database and no marker behind', async () => {
    const component = await makeComponent(work, 'brokendb', { 'postgresql-databases/a.sql': 'CREATE TABLE x (;\n' })
    const r = await runModule(MODULE, 'activate', component, props)
    expect(r.exitCode).not.toBe(0)
    expect(r.stderr).toMatch(/syntax error/)
    expect(r.stderr).toMatch(/^postgresql-database: cannot load the initial schema of database: brokendb/m)
    expect(await databaseExists('brokendb')).toBe(false)
    expect(existsSync(join(stateDir, 'activated', MODULE, 'brokendb'))).toBe(false)
  })

  test('works through bin/dysnomia --environment, including a shell session', async () => {
    const component = await makeComponent(work, 'clidb', { 'postgresql-databases/a.sql': schema })
    const activated = await runBin('dysnomia', ['--operation', 'activate', '--component', component, '--type', MODULE, '--environment'], { env: props })
    expect(activated.exitCode, activated.stderr).toBe(0)
    expect(await server.psql('SELECT msg FROM test', 'clidb')).toBe('Hello world')
    const snapshot = await runBin('dysnomia', ['--operation', 'snapshot', '--component', component, '--type', MODULE, '--environment'], { env: props })
    expect(snapshot.exitCode, snapshot.stderr).toBe(0)
    expect(await generations(stateDir, MODULE, 'clidb')).toHaveLength(1)

    const shell = await runBin('dysnomia', ['--shell', '--component', component, '--type', MODULE, '--environment', '--command', 'echo "port=$postgresqlPort"'], {
      env: props,
    })
    expect(shell.exitCode, shell.stderr).toBe(0)
    expect(shell.stdout).toContain(`port=${server.port}`)
    expect(shell.stderr).toContain("control the 'clidb' PostgreSQL database")
  })

  test('shell prints the suggested commands', async () => {
    const component = await makeComponent(work, 'shelldb', {})
    const r = await runModule(MODULE, 'shell', component, props)
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain("control the 'shelldb' PostgreSQL database")
    expect(r.stderr).toContain('psql shelldb')
    expect(r.stderr).toContain(`PGHOST      Directory of the server's socket: ${server.socketDir}`)
  })
})
