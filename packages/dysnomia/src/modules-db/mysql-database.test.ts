import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
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
  startMariadb,
  type MariadbServer,
} from '@disnix-ts/test-servers'

const MODULE = 'mysql-database'
const SECRET = 'my-p0ison-s3cret'
let server: MariadbServer
let work: string
let stateDir: string
let props: Record<string, string>

beforeAll(async () => {
  server = await startMariadb(SECRET)
  work = await sharedTempDir('disnix-mysqlmod-')
  stateDir = join(work, 'state')
  props = { DYSNOMIA_STATEDIR: stateDir, mysqlUsername: 'root', mysqlPassword: SECRET, mysqlSocket: server.socket, timeout: '3' }
})

afterAll(async () => {
  await server?.stop()
  if (work) await rm(work, { recursive: true, force: true })
})

const schema = "CREATE TABLE test (id INT AUTO_INCREMENT PRIMARY KEY, msg TEXT NOT NULL);\nINSERT INTO test (msg) VALUES ('Hello world');\n"

async function ok(operation: string, component: string, env = props): Promise<string> {
  const result = await runModule(MODULE, operation, component, env)
  expect(result.exitCode, `${operation}: ${result.stderr}`).toBe(0)
  return result.stderr
}

async function fingerprint(db: string): Promise<string> {
  return server.query("SELECT CONCAT(COUNT(*), ':', MD5(COALESCE(GROUP_CONCAT(id, '=', msg ORDER BY id SEPARATOR ','), ''))) FROM test", db)
}

async function databaseExists(name: string): Promise<boolean> {
  return (await server.query('SHOW DATABASES')).split('\n').includes(name)
}

describe('mysql-database module: check', () => {
  test('healthy while the server answers and the database exists; failing without the database and once the server is killed', async () => {
    // A server of this test alone: it is killed at the end.
    const own = await startMariadb(SECRET)
    onTestFinished(() => own.stop())
    const env = { ...props, mysqlSocket: own.socket, checkTimeout: '3' }
    const component = await makeComponent(work, 'checkdb', { 'mysql-databases/checkdb.sql': schema })
    const check = () => runModule(MODULE, 'check', component, env)

    expect(await check()).toEqual({ exitCode: 1, stdout: '', stderr: `MySQL database: checkdb does not exist (server: ${own.socket})` })
    await ok('activate', component, env)
    expect(await check()).toEqual({ exitCode: 0, stdout: `healthy: MySQL database: checkdb exists (server: ${own.socket})`, stderr: '' })
    expect(await runModule(MODULE, 'check', component, { ...env, mysqlPassword: 'wrong' })).toMatchObject({
      exitCode: 1,
      stderr: expect.stringMatching(new RegExp(`^Cannot query the MySQL server on ${own.socket}: ERROR 1045 \\(28000\\): Access denied for user 'root'@'localhost'`)),
    })

    await own.kill()
    const killed = await check()
    expect(killed.exitCode).toBe(1)
    expect(killed.stdout).toBe('')
    expect(killed.stderr).toMatch(new RegExp(`^Cannot query the MySQL server on ${own.socket}: ERROR 2002 \\(HY000\\): Can't connect to local server through socket '${own.socket}' \\(111\\)$`))
    expect(killed.stderr).not.toContain(SECRET)
  })
})

describe('mysql-database module', () => {
  test('runs the whole lifecycle: activate, snapshot, deactivate, collect-garbage, restore', async () => {
    const component = await makeComponent(work, 'testdb', { 'mysql-databases/testdb.sql': schema })

    await ok('activate', component)
    expect(await server.query('SELECT msg FROM test', 'testdb')).toBe('Hello world')
    await ok('activate', component)
    expect(await server.query('SELECT COUNT(*) FROM test', 'testdb')).toBe('1')

    await ok('snapshot', component)
    await ok('snapshot', component)
    const first = await generations(stateDir, MODULE, 'testdb')
    expect(first).toHaveLength(1)
    const dump = join(await latestSnapshot(stateDir, MODULE, 'testdb'), 'dump.sql.xz')
    expect(first[0]).toBe(createHash('sha256').update(await readFile(dump)).digest('hex'))
    const text = (await execa('xz', ['-dc', dump])).stdout
    expect(text).toContain("INSERT INTO `test` VALUES\n(1,'Hello world')")
    expect(text).not.toContain('Dump completed')

    await server.query("INSERT INTO test (msg) SELECT CONCAT('Bye world ', seq) FROM seq_1_to_500", 'testdb')
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

    await ok('activate', component)
    expect(await server.query('SELECT COUNT(*) FROM test', 'testdb')).toBe('1')
    await ok('restore', component)
    expect(await fingerprint('testdb')).toBe(expected)
    await ok('snapshot', component)
    expect(await generations(stateDir, MODULE, 'testdb')).toHaveLength(2)

    const args = ['--query-all', '--check', '--container', MODULE, '--component', 'testdb']
    const check = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(check.exitCode, check.stderr).toBe(0)
    expect(check.stdout.trim().split('\n')).toEqual(
      (await generations(stateDir, MODULE, 'testdb')).map((id) => `${MODULE}/testdb/${id}`),
    )
    await writeFile(dump, 'junk')
    const corrupted = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(corrupted.exitCode).not.toBe(0)
    expect(corrupted.stderr).toMatch(/Checksum mismatch detected for snapshot: mysql-database\/testdb\//)
  })

  test('restores a database that collect-garbage dropped, without activating it first', async () => {
    const component = await makeComponent(work, 'gonedb', { 'mysql-databases/a.sql': schema })
    await ok('activate', component)
    await server.query("INSERT INTO test (msg) VALUES ('second')", 'gonedb')
    const expected = await fingerprint('gonedb')
    await ok('snapshot', component)
    await ok('deactivate', component)
    await ok('collect-garbage', component)
    expect(await databaseExists('gonedb')).toBe(false)
    await ok('restore', component)
    expect(await fingerprint('gonedb')).toBe(expected)
  })

  test('keeps the password out of every argv and every output', async () => {
    const component = await makeComponent(work, 'secretdb', { 'mysql-databases/a.sql': schema })
    const wrappers = await recordingWrappers(join(work, 'wrap'), ['mysql', 'mysqldump'])
    const { result, leaks } = await argvLeaks(SECRET, async () => {
      const outputs: string[] = []
      for (const op of ['activate', 'snapshot', 'restore', 'shell', 'deactivate', 'collect-garbage']) {
        const r = await runModule(MODULE, op, component, { ...props, PATH: wrappers.path })
        expect(r.exitCode, `${op}: ${r.stderr}`).toBe(0)
        outputs.push(r.stdout, r.stderr)
      }
      return outputs.join('\n')
    })
    expect(leaks).toEqual([])
    expect(result).not.toContain(SECRET)
    const calls = (await wrappers.take()).map((call) => call.argv)
    expect(calls.map((c) => [c[0], ...c.slice(2)])).toEqual([
      ['mysql', '-N', '-B', '-r', '-e', 'SHOW DATABASES'],
      ['mysql', '-N'],
      ['mysqldump', '--single-transaction', '--quick', '--', 'secretdb'],
      ['mysql', '-N'],
      ['mysql', '-e', 'DROP DATABASE IF EXISTS `secretdb`'],
    ])
    for (const call of calls) expect(call[1]).toMatch(/^--defaults-extra-file=\/tmp\/tmp\.\w+$/)
    expect(JSON.stringify(calls)).not.toContain(SECRET)
  })

  test('quotes the database name, so a name with quotes and spaces cannot inject SQL', async () => {
    const name = "we\"ird 'd`b; DROP DATABASE canary; --x"
    await server.query('CREATE DATABASE canary')
    const component = await makeComponent(work, name, { 'mysql-databases/a.sql': schema })
    await ok('activate', component)
    expect(await databaseExists(name)).toBe(true)
    await ok('activate', component)
    await ok('snapshot', component)
    await ok('restore', component)
    expect(await server.query('SELECT COUNT(*) FROM test', name)).toBe('1')
    await ok('deactivate', component)
    await ok('collect-garbage', component)
    expect(await databaseExists(name)).toBe(false)
    expect(await databaseExists('canary')).toBe(true)
  })

  test('fails with the module name and the server error on a wrong password, a wrong socket or a server that is down', async () => {
    const component = await makeComponent(work, 'baddb', { 'mysql-databases/a.sql': schema })
    const wrong = await runModule(MODULE, 'activate', component, { ...props, mysqlPassword: 'wrong-pw' })
    expect(wrong.exitCode).not.toBe(0)
    expect(wrong.stderr).toMatch(/Access denied for user 'root'@'localhost'/)
    expect(wrong.stderr).toMatch(/^mysql-database: cannot query the databases of the MySQL server/m)

    const noSocket = await runModule(MODULE, 'activate', component, { ...props, mysqlSocket: join(work, 'nowhere.sock'), timeout: '2' })
    expect(noSocket.exitCode).not.toBe(0)
    expect(noSocket.stderr).toContain(`mysql-database: no MySQL server is listening on socket: ${join(work, 'nowhere.sock')}`)

    // A socket file without a server behind it: the client's own error comes through.
    const deadSocket = join(work, 'dead.sock')
    await execa('python3', ['-c', 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])', deadSocket])
    const down = await runModule(MODULE, 'snapshot', component, { ...props, mysqlSocket: deadSocket, timeout: '2' })
    expect(down.exitCode).not.toBe(0)
    expect(down.stderr).toMatch(/Can't connect to local server through socket/)
    expect(down.stderr).toMatch(new RegExp(`^mysql-database: the MySQL server on ${deadSocket} does not answer$`, 'm'))
    expect(existsSync(join(stateDir, 'activated', MODULE, 'baddb'))).toBe(false)
    expect(existsSync(join(stateDir, 'snapshots', MODULE, 'baddb'))).toBe(false)
  })

  test('activate waits until the server answers a ping, not just until its socket exists, within the timeout property', async () => {
    // A server that listens but does not answer, as during start-up or crash recovery: stopped
    // (SIGSTOP); the kernel still queues connections on its socket.
    const own = await startMariadb(SECRET)
    const pid = Number((await readFile(join(own.dir, 'run', 'mysqld.pid'), 'utf8')).trim())
    process.kill(pid, 'SIGSTOP')
    onTestFinished(async () => {
      process.kill(pid, 'SIGCONT')
      await own.stop()
    })
    const env = { ...props, mysqlSocket: own.socket }
    const component = await makeComponent(work, 'readydb', { 'mysql-databases/readydb.sql': schema })

    const gaveUp = await runModule(MODULE, 'activate', component, { ...env, timeout: '2' })
    expect(gaveUp.exitCode).toBe(1)
    expect(gaveUp.stderr).toContain(`Waiting for the MySQL server on ${own.socket}...`)
    expect(gaveUp.stderr).toMatch(new RegExp(`^mysql-database: the MySQL server on ${own.socket} does not answer$`, 'm'))
    expect(gaveUp.stderr).not.toContain(SECRET)

    // Within a longer timeout the server comes back (SIGCONT once the module says it waits) and
    // activate goes on to create the database.
    const { said, result } = await runModuleUntilSaid(MODULE, 'activate', component, { ...env, timeout: '120' }, 'Waiting for the MySQL server', () =>
      process.kill(pid, 'SIGCONT'),
    )
    expect(said).toContain('Waiting for the MySQL server')
    expect(result.exitCode, result.stderr).toBe(0)
    expect(await own.query('SELECT COUNT(*) FROM test', 'readydb')).toBe('1')
  })

  test('a broken initial schema leaves no database and no marker behind', async () => {
    const component = await makeComponent(work, 'brokendb', { 'mysql-databases/a.sql': 'CREATE TABLE x (;\n' })
    const r = await runModule(MODULE, 'activate', component, props)
    expect(r.exitCode).not.toBe(0)
    expect(r.stderr).toMatch(/You have an error in your SQL syntax/)
    expect(r.stderr).toMatch(/^mysql-database: cannot create database: brokendb/m)
    expect(await databaseExists('brokendb')).toBe(false)
    expect(existsSync(join(stateDir, 'activated', MODULE, 'brokendb'))).toBe(false)
  })

  test('works through bin/dysnomia, with --environment and with a container file holding the password', async () => {
    const component = await makeComponent(work, 'clidb', { 'mysql-databases/a.sql': schema })
    const viaEnv = await runBin('dysnomia', ['--operation', 'activate', '--component', component, '--type', MODULE, '--environment'], { env: props })
    expect(viaEnv.exitCode, viaEnv.stderr).toBe(0)
    expect(await server.query('SELECT msg FROM test', 'clidb')).toBe('Hello world')
    expect(existsSync(join(stateDir, 'activated', MODULE, 'clidb'))).toBe(true)

    const containerFile = join(work, 'mysql-local')
    await writeFile(containerFile, `type=${MODULE}\nmysqlUsername=root\nmysqlPassword="${SECRET}"\nmysqlSocket=${server.socket}\n`, { mode: 0o600 })
    const { result, leaks } = await argvLeaks(SECRET, () =>
      runBin('dysnomia', ['--operation', 'snapshot', '--component', component, '--container', containerFile], { env: { DYSNOMIA_STATEDIR: stateDir } }),
    )
    expect(result.exitCode, result.stderr).toBe(0)
    expect(leaks).toEqual([])
    expect(result.stdout + result.stderr).not.toContain(SECRET)
    expect(await generations(stateDir, 'mysql-local', 'clidb')).toHaveLength(1)

    const failed = await runBin('dysnomia', ['--operation', 'activate', '--component', component, '--type', MODULE, '--environment'], {
      env: { ...props, mysqlPassword: 'wrong-pw' },
    })
    expect(failed.exitCode).not.toBe(0)
    expect(failed.stderr).toMatch(/^mysql-database: cannot query the databases of the MySQL server/m)
  })

  test('shell prints the suggested commands without the password', async () => {
    const component = await makeComponent(work, 'shelldb', {})
    const r = await runModule(MODULE, 'shell', component, props)
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain("control the 'shelldb' MySQL database")
    expect(r.stderr).toContain(`mysql -u root -S ${server.socket} -p shelldb`)
    expect(r.stderr).not.toContain(SECRET)
  })
})
