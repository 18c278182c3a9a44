// No MongoDB server can be installed here (not in Debian): these tests run the module against
// stand-in mongo/mongodump/mongorestore executables first on PATH that record every call (argv and
// stdin) and play back canned replies, and assert the exact commands of every operation.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runBin } from '@disnix-ts/libmain/testing'
import { freePort, generations, makeComponent, runModule, sharedTempDir, standIns, takeStandInCalls } from './servers.js'

const MODULE = 'mongo-database'
let work: string
let tools: string
let stateDir: string
let props: Record<string, string>
let port: number
let listener: Server

beforeAll(async () => {
  work = await sharedTempDir('disnix-mongomod-')
  stateDir = join(work, 'state')
  tools = await standIns(join(work, 'bin'), {
    mongo: { stdin: true },
    // Writes a dump as mongodump does: <out>/<db>/<collection>.bson and .metadata.json.
    mongodump: {
      script: [
        'while [ $# -gt 0 ]; do case "$1" in -d) db="$2"; shift 2;; -o) out="$2"; shift 2;; *) shift;; esac; done',
        'mkdir -p "$out/$db"',
        'cat "$dir/dump.bson" > "$out/$db/test.bson"',
        'printf \'{"indexes":[]}\' > "$out/$db/test.metadata.json"',
      ].join('\n'),
    },
    mongorestore: { script: 'ls "${@: -1}" > "$dir/restored-files"' },
  })
  // waitForPort needs something listening on mongoPort.
  port = await freePort()
  listener = createServer((socket) => socket.end())
  await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve))
  props = { DYSNOMIA_STATEDIR: stateDir, mongoPort: String(port), mongoDumpArgs: '--gzip  --quiet', timeout: '2' }
})

afterAll(async () => {
  await new Promise((resolve) => listener?.close(resolve))
  if (work) await rm(work, { recursive: true, force: true })
})

async function run(operation: string, component: string, env = props): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return runModule(MODULE, operation, component, env, { path: `${tools}:${process.env.PATH}` })
}

async function ok(operation: string, component: string, env = props): Promise<string> {
  const result = await run(operation, component, env)
  expect(result.exitCode, `${operation}: ${result.stderr}`).toBe(0)
  return result.stderr
}

async function reply(tool: string, text: string | undefined, status = 0): Promise<void> {
  if (text === undefined) await rm(join(tools, `${tool}.reply`), { force: true })
  else await writeFile(join(tools, `${tool}.reply`), text)
  await writeFile(join(tools, `${tool}.status`), String(status))
}

const script = 'db.test.insert({ msg: "Hello world" });\n'

describe('mongo-database module (stand-in clients)', () => {
  test('runs the whole lifecycle with the exact client commands', async () => {
    const component = await makeComponent(work, 'testdb', { 'mongo-databases/a.js': script, 'mongo-databases/b.js': 'db.test.insert({ n: 2 });\n' })
    await takeStandInCalls(tools)

    await reply('mongo', '[ ]\n')
    await ok('activate', component)
    const check = { argv: ['mongo', '--quiet', '--port', String(port)], stdin: 'printjson(db.getSiblingDB("testdb").getCollectionNames());\n', env: {} }
    expect(await takeStandInCalls(tools)).toEqual([
      check,
      { argv: ['mongo', '--quiet', '--port', String(port)], stdin: `db = db.getSiblingDB("testdb");\n${script}db.test.insert({ n: 2 });\n`, env: {} },
    ])
    expect(existsSync(join(stateDir, 'activated', MODULE, 'testdb'))).toBe(true)

    // Activating again finds the collection and loads nothing.
    await reply('mongo', '[ "test" ]\n')
    await ok('activate', component)
    expect(await takeStandInCalls(tools)).toEqual([check])

    await writeFile(join(tools, 'dump.bson'), 'first contents')
    await ok('snapshot', component)
    await ok('snapshot', component)
    const dumpCall = { argv: ['mongodump', '--gzip', '--quiet', '--port', String(port), '-d', 'testdb', '-o', '.'], env: {} }
    expect(await takeStandInCalls(tools)).toEqual([dumpCall, dumpCall])
    const ids = await generations(stateDir, MODULE, 'testdb')
    expect(ids).toHaveLength(1)
    // The id is sha256 over "path\n" + contents of every file of the dump, in name order.
    const expectedId = createHash('sha256')
      .update('testdb/test.bson\nfirst contents' + 'testdb/test.metadata.json\n{"indexes":[]}')
      .digest('hex')
    expect(ids[0]).toBe(expectedId)
    expect(await readdir(join(stateDir, 'snapshots', MODULE, 'testdb', expectedId, 'testdb'))).toEqual(['test.bson', 'test.metadata.json'])

    await writeFile(join(tools, 'dump.bson'), 'second contents')
    await ok('snapshot', component)
    await takeStandInCalls(tools)
    const latest = (await generations(stateDir, MODULE, 'testdb'))[1]
    expect(latest).toBeDefined()

    await ok('restore', component)
    expect(await takeStandInCalls(tools)).toEqual([
      { argv: ['mongorestore', '--port', String(port), '--drop', '-d', 'testdb', join(stateDir, 'snapshots', MODULE, 'testdb', latest!, 'testdb')], env: {} },
    ])
    expect(await readFile(join(tools, 'restored-files'), 'utf8')).toBe('test.bson\ntest.metadata.json\n')

    await ok('collect-garbage', component)
    expect(await takeStandInCalls(tools)).toEqual([])
    await ok('deactivate', component)
    await ok('deactivate', component)
    expect(existsSync(join(stateDir, 'garbage', MODULE, 'testdb'))).toBe(true)
    await reply('mongo', undefined)
    await ok('collect-garbage', component)
    expect(await takeStandInCalls(tools)).toEqual([
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
    await takeStandInCalls(tools)
    await reply('mongo', '[ ]\n')
    await ok('activate', component)
    const calls = await takeStandInCalls(tools)
    expect(calls.map((c) => c.stdin)).toEqual([
      'printjson(db.getSiblingDB("we\\"ird \'db\\\\x").getCollectionNames());\n',
      `db = db.getSiblingDB("we\\"ird 'db\\\\x");\n${script}`,
    ])
    await writeFile(join(tools, 'dump.bson'), 'x')
    await ok('snapshot', component)
    expect((await takeStandInCalls(tools))[0]!.argv).toEqual(['mongodump', '--gzip', '--quiet', '--port', String(port), '-d', name, '-o', '.'])
  })

  test('keeps a port already given in mongoRestoreArgs and needs no scripts', async () => {
    const component = await makeComponent(work, 'plaindb', {})
    await takeStandInCalls(tools)
    await ok('activate', component)
    expect(await takeStandInCalls(tools)).toEqual([])
    const env = { ...props, mongoDumpArgs: '', mongoRestoreArgs: '--port 27999 --gzip' }
    await writeFile(join(tools, 'dump.bson'), 'plain')
    await ok('snapshot', component, env)
    await ok('restore', component, env)
    const calls = await takeStandInCalls(tools)
    expect(calls.map((c) => c.argv.slice(0, -1))).toEqual([
      ['mongodump', '--port', String(port), '-d', 'plaindb', '-o'],
      ['mongorestore', '--port', '27999', '--gzip', '--drop', '-d', 'plaindb'],
    ])
  })

  test('fails with the module name and the client error; nothing marked active, no snapshot stored', async () => {
    const component = await makeComponent(work, 'downdb', { 'mongo-databases/a.js': script })
    await writeFile(join(tools, 'mongo.stderr'), 'Error: couldn\'t connect to server 127.0.0.1:27017, connection attempt failed\n')
    await reply('mongo', '', 1)
    const down = await run('activate', component)
    await rm(join(tools, 'mongo.stderr'))
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
    await takeStandInCalls(tools)
  })

  test('check: asks the server whether the database exists; failing when it does not or nobody listens on mongoPort', async () => {
    const component = await makeComponent(work, 'checkdb', { 'mongo-databases/a.js': script })
    const empty = await makeComponent(work, 'emptydb', {})
    await takeStandInCalls(tools)
    const ask = (name: string) => ({ argv: ['mongo', '--quiet', '--port', String(port)], stdin: `printjson(db.getMongo().getDBNames().indexOf("${name}") >= 0);\n`, env: {} })

    await reply('mongo', 'true\n')
    expect(await run('check', component)).toEqual({ exitCode: 0, stdout: 'healthy: MongoDB database: checkdb exists', stderr: '' })
    expect(await takeStandInCalls(tools)).toEqual([ask('checkdb')])

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
    await takeStandInCalls(tools)
    const closed = await freePort()
    expect(await run('check', component, { ...props, mongoPort: String(closed) })).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: `No MongoDB server is listening on port: ${closed}`,
    })
    expect(await takeStandInCalls(tools)).toEqual([])
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
