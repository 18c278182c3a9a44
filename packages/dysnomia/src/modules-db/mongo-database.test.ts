// No MongoDB server can be installed here (not in Debian): these tests run the module against
// stand-in mongo/mongodump/mongorestore executables first on PATH that record every call (argv and
// stdin) and play back canned replies, and assert the exact commands of every operation.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runBin } from '@disnix-ts/libmain/testing'
import { freePort, generations, makeComponent, runModule, sharedTempDir, startMongoStandIn, type MongoStandIn, type StandIns } from '@disnix-ts/test-servers'

const MODULE = 'mongo-database'
let work: string
let mongo: MongoStandIn
let tools: StandIns
let stateDir: string
let props: Record<string, string>
let port: number

beforeAll(async () => {
  work = await sharedTempDir('disnix-mongomod-')
  stateDir = join(work, 'state')
  mongo = await startMongoStandIn()
  tools = mongo.clients
  port = mongo.port
  props = { DYSNOMIA_STATEDIR: stateDir, mongoPort: String(port), mongoDumpArgs: '--gzip  --quiet', timeout: '2' }
})

afterAll(async () => {
  await mongo?.stop()
  if (work) await rm(work, { recursive: true, force: true })
})

async function run(operation: string, component: string, env = props): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return runModule(MODULE, operation, component, { ...env, PATH: tools.path })
}

async function ok(operation: string, component: string, env = props): Promise<string> {
  const result = await run(operation, component, env)
  expect(result.exitCode, `${operation}: ${result.stderr}`).toBe(0)
  return result.stderr
}

async function reply(tool: string, stdout: string | undefined, status = 0): Promise<void> {
  await tools.answer(tool, { stdout, status })
}

const script = 'db.test.insert({ msg: "Hello world" });\n'

describe('mongo-database module (stand-in clients)', () => {
  test('runs the whole lifecycle with the exact client commands', async () => {
    const component = await makeComponent(work, 'testdb', { 'mongo-databases/a.js': script, 'mongo-databases/b.js': 'db.test.insert({ n: 2 });\n' })
    await tools.take()

    await reply('mongo', '[ ]\n')
    await ok('activate', component)
    const check = { argv: ['mongo', '--quiet', '--port', String(port)], stdin: 'printjson(db.getSiblingDB("testdb").getCollectionNames());\n', env: {} }
    expect(await tools.take()).toEqual([
      check,
      { argv: ['mongo', '--quiet', '--port', String(port)], stdin: `db = db.getSiblingDB("testdb");\n${script}db.test.insert({ n: 2 });\n`, env: {} },
    ])
    expect(existsSync(join(stateDir, 'activated', MODULE, 'testdb'))).toBe(true)

    // Activating again finds the collection and loads nothing.
    await reply('mongo', '[ "test" ]\n')
    await ok('activate', component)
    expect(await tools.take()).toEqual([check])

    await writeFile(mongo.dumpFile, 'first contents')
    await ok('snapshot', component)
    await ok('snapshot', component)
    const dumpCall = { argv: ['mongodump', '--gzip', '--quiet', '--port', String(port), '-d', 'testdb', '-o', '.'], env: {} }
    expect(await tools.take()).toEqual([dumpCall, dumpCall])
    const ids = await generations(stateDir, MODULE, 'testdb')
    expect(ids).toHaveLength(1)
    // The id is sha256 over "path\n" + contents of every file of the dump, in name order.
    const expectedId = createHash('sha256')
      .update('testdb/test.bson\nfirst contents' + 'testdb/test.metadata.json\n{"indexes":[]}')
      .digest('hex')
    expect(ids[0]).toBe(expectedId)
    expect(await readdir(join(stateDir, 'snapshots', MODULE, 'testdb', expectedId, 'testdb'))).toEqual(['test.bson', 'test.metadata.json'])

    await writeFile(mongo.dumpFile, 'second contents')
    await ok('snapshot', component)
    await tools.take()
    const latest = (await generations(stateDir, MODULE, 'testdb'))[1]
    expect(latest).toBeDefined()

    await ok('restore', component)
    expect(await tools.take()).toEqual([
      { argv: ['mongorestore', '--port', String(port), '--drop', '-d', 'testdb', join(stateDir, 'snapshots', MODULE, 'testdb', latest!, 'testdb')], env: {} },
    ])
    expect(await readFile(mongo.restoredFiles, 'utf8')).toBe('test.bson\ntest.metadata.json\n')

    await ok('collect-garbage', component)
    expect(await tools.take()).toEqual([])
    await ok('deactivate', component)
    await ok('deactivate', component)
    expect(existsSync(join(stateDir, 'garbage', MODULE, 'testdb'))).toBe(true)
    await reply('mongo', undefined)
    await ok('collect-garbage', component)
    expect(await tools.take()).toEqual([
      { argv: ['mongo', '--quiet', '--port', String(port)], stdin: 'db.getSiblingDB("testdb").dropDatabase();\n', env: {} },
    ])
    expect(existsSync(join(stateDir, 'garbage', MODULE, 'testdb'))).toBe(false)

    const args = ['--query-all', '--check', '--container', MODULE, '--component', 'testdb']
    const checked = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(checked.exitCode, checked.stderr).toBe(0)
    await writeFile(join(stateDir, 'snapshots', MODULE, 'testdb', latest!, 'testdb', 'test.bson'), 'junk')
    const corrupted = await runBin('dysnomia-snapshots', args, { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect(corrupted.exitCode).not.toBe(0)
    expect(corrupted.stderr).toContain(`Checksum mismatch detected for snapshot: ${MODULE}/testdb/${latest}`)
  })

  test('puts the name into the scripts as a JavaScript string literal', async () => {
    const name = `we"ird 'db\\x`
    const component = await makeComponent(work, name, { 'mongo-databases/a.js': script })
    await tools.take()
    await reply('mongo', '[ ]\n')
    await ok('activate', component)
    const calls = await tools.take()
    expect(calls.map((c) => c.stdin)).toEqual([
      'printjson(db.getSiblingDB("we\\"ird \'db\\\\x").getCollectionNames());\n',
      `db = db.getSiblingDB("we\\"ird 'db\\\\x");\n${script}`,
    ])
    await writeFile(mongo.dumpFile, 'x')
    await ok('snapshot', component)
    expect((await tools.take())[0]!.argv).toEqual(['mongodump', '--gzip', '--quiet', '--port', String(port), '-d', name, '-o', '.'])
  })

  test('keeps a port already given in mongoRestoreArgs and needs no scripts', async () => {
    const component = await makeComponent(work, 'plaindb', {})
    await tools.take()
    await ok('activate', component)
    expect(await tools.take()).toEqual([])
    const env = { ...props, mongoDumpArgs: '', mongoRestoreArgs: '--port 27999 --gzip' }
    await writeFile(mongo.dumpFile, 'plain')
    await ok('snapshot', component, env)
    await ok('restore', component, env)
    const calls = await tools.take()
    expect(calls.map((c) => c.argv.slice(0, -1))).toEqual([
      ['mongodump', '--port', String(port), '-d', 'plaindb', '-o'],
      ['mongorestore', '--port', '27999', '--gzip', '--drop', '-d', 'plaindb'],
    ])
  })

  test('fails with the module name and the client error; nothing marked active, no snapshot stored', async () => {
    const component = await makeComponent(work, 'downdb', { 'mongo-databases/a.js': script })
    await tools.answer('mongo', { stdout: '', stderr: 'Error: couldn\'t connect to server 127.0.0.1:27017, connection attempt failed\n', status: 1 })
    const down = await run('activate', component)
    await reply('mongo', '', 1)
    expect(down.exitCode).not.toBe(0)
    expect(down.stderr).toContain("couldn't connect to server")
    expect(down.stderr).toMatch(/^mongo-database: cannot query the collections of database: downdb$/m)
    expect(existsSync(join(stateDir, 'activated', MODULE, 'downdb'))).toBe(false)

    await reply('mongodump', '', 1)
    const dump = await run('snapshot', component)
    await reply('mongodump', undefined)
    expect(dump.exitCode).not.toBe(0)
    expect(dump.stderr).toMatch(/^mongo-database: cannot dump database: downdb$/m)
    expect(existsSync(join(stateDir, 'snapshots', MODULE, 'downdb'))).toBe(false)
    expect(await readdir(join(stateDir, 'tmp'))).toEqual([])

    const closed = String(await freePort())
    const noPort = await run('activate', component, { ...props, mongoPort: closed })
    expect(noPort.exitCode).not.toBe(0)
    expect(noPort.stderr).toMatch(new RegExp(`^mongo-database: no MongoDB server is listening on port: ${closed}$`, 'm'))
    await tools.take()
  })

  test('check: asks the server whether the database exists; failing when it does not or nobody listens on mongoPort', async () => {
    const component = await makeComponent(work, 'checkdb', { 'mongo-databases/a.js': script })
    const empty = await makeComponent(work, 'emptydb', {})
    await tools.take()
    const ask = (name: string) => ({ argv: ['mongo', '--quiet', '--port', String(port)], stdin: `printjson(db.getMongo().getDBNames().indexOf("${name}") >= 0);\n`, env: {} })

    await reply('mongo', 'true\n')
    expect(await run('check', component)).toEqual({ exitCode: 0, stdout: 'healthy: MongoDB database: checkdb exists', stderr: '' })
    expect(await tools.take()).toEqual([ask('checkdb')])

    await reply('mongo', 'false\n')
    expect(await run('check', component)).toEqual({ exitCode: 1, stdout: '', stderr: 'MongoDB database: checkdb does not exist' })
    // MongoDB creates a database with its first document: without initial scripts, none is expected yet.
    expect(await run('check', empty)).toEqual({ exitCode: 0, stdout: 'healthy: the MongoDB server answers; database: emptydb holds no data yet', stderr: '' })

    await reply('mongo', 'Error: couldn\'t connect to server 127.0.0.1:27017, connection attempt failed\n', 1)
    expect(await run('check', component)).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: "Cannot query the MongoDB server: Error: couldn't connect to server 127.0.0.1:27017, connection attempt failed",
    })
    await reply('mongo', undefined)

    // Nobody listens on mongoPort (the server was killed): the client is not even asked.
    await tools.take()
    const closed = await freePort()
    expect(await run('check', component, { ...props, mongoPort: String(closed) })).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `No MongoDB server is listening on port: ${closed}`,
    })
    expect(await tools.take()).toEqual([])
  })

  test('shell prints the suggested commands', async () => {
    const component = await makeComponent(work, 'shelldb', {})
    const r = await run('shell', component)
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain("control the 'shelldb' MongoDB database")
    expect(r.stderr).toContain(`mongo --port ${port} shelldb`)
    expect(r.stderr).toContain(`mongodump --gzip --quiet --port ${port} -d shelldb -o DIR`)
  })
})
