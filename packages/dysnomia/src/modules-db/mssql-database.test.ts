// SQL Server and osql are Windows-only: these tests run the module against a stand-in osql first on
// PATH that records every call (argv, stdin and the OSQLPASSWORD it was given) and plays back canned
// replies, and assert the exact commands of every operation.
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { argvLeaks, createStandIns, makeComponent, runModule, sharedTempDir, type StandIns } from '@disnix-ts/test-servers'

const MODULE = 'mssql-database'
const SECRET = 'ms-p0ison-s3cret'
let work: string
let tools: StandIns
let stateDir: string
let props: Record<string, string>

beforeAll(async () => {
  work = await sharedTempDir('disnix-mssqlmod-')
  stateDir = join(work, 'state')
  tools = await createStandIns(join(work, 'osql'), { osql: { stdin: true, env: ['OSQLPASSWORD'] } })
  props = { DYSNOMIA_STATEDIR: stateDir, msSqlUsername: 'sa', msSqlPassword: SECRET }
})

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

async function run(operation: string, component: string, env = props): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return runModule(MODULE, operation, component, { ...env, PATH: tools.path })
}

async function ok(operation: string, component: string, env = props): Promise<string> {
  const result = await run(operation, component, env)
  expect(result.exitCode, `${operation}: ${result.stderr}`).toBe(0)
  return result.stdout + result.stderr
}

async function reply(stdout: string | undefined, status = 0): Promise<void> {
  await tools.answer('osql', { stdout, status })
}

const osql = ['osql', '-S', '.\\SQLEXPRESS', '-n', '-h-1', '-b', '-U', 'sa']
const schema = "CREATE TABLE test (id INT PRIMARY KEY, msg NVARCHAR(100))\ngo\nINSERT INTO test VALUES (1, 'Hello world')\n"

describe('mssql-database module (stand-in osql)', () => {
  test('runs the lifecycle with the exact osql commands and the password only in OSQLPASSWORD', async () => {
    const component = await makeComponent(work, 'testdb', { 'mssql-databases/testdb.sql': schema })
    await tools.take()
    const check = { argv: osql, stdin: "SET NOCOUNT ON\nSELECT COUNT(*) FROM sys.databases WHERE name = N'testdb'\ngo\n", env: { OSQLPASSWORD: SECRET } }

    const { result: output, leaks } = await argvLeaks(SECRET, async () => {
      const outputs: string[] = []
      await reply('          0\n')
      outputs.push(await ok('activate', component))
      expect(await tools.take()).toEqual([
        check,
        { argv: osql, stdin: `CREATE DATABASE [testdb]\ngo\nUSE [testdb]\ngo\n${schema}\ngo\n`, env: { OSQLPASSWORD: SECRET } },
      ])
      expect(existsSync(join(stateDir, 'activated', MODULE, 'testdb'))).toBe(true)

      await reply('          1\n')
      outputs.push(await ok('activate', component))
      expect(await tools.take()).toEqual([check])

      for (const op of ['lock', 'unlock', 'snapshot', 'restore', 'collect-garbage']) outputs.push(await ok(op, component))
      expect(await tools.take()).toEqual([])

      outputs.push(await ok('deactivate', component))
      outputs.push(await ok('deactivate', component))
      expect(existsSync(join(stateDir, 'garbage', MODULE, 'testdb'))).toBe(true)
      await reply(undefined)
      outputs.push(await ok('collect-garbage', component))
      expect(await tools.take()).toEqual([
        { argv: osql, stdin: "IF DB_ID(N'testdb') IS NOT NULL DROP DATABASE [testdb]\ngo\n", env: { OSQLPASSWORD: SECRET } },
      ])
      expect(existsSync(join(stateDir, 'garbage', MODULE, 'testdb'))).toBe(false)
      outputs.push(await ok('shell', component))
      return outputs.join('\n')
    })
    expect(leaks).toEqual([])
    expect(output).not.toContain(SECRET)
  })

  test('quotes the name as an identifier and as a string literal', async () => {
    const name = "we]ird 'db"
    const component = await makeComponent(work, name, {})
    await tools.take()
    await reply('0\n')
    await ok('activate', component)
    expect((await tools.take()).map((c) => c.stdin)).toEqual([
      "SET NOCOUNT ON\nSELECT COUNT(*) FROM sys.databases WHERE name = N'we]ird ''db'\ngo\n",
      "CREATE DATABASE [we]]ird 'db]\ngo\nUSE [we]]ird 'db]\ngo\n\ngo\n",
    ])
  })

  test('uses a trusted connection without a username, and another server when configured', async () => {
    const component = await makeComponent(work, 'trusteddb', {})
    await tools.take()
    await reply('1\n')
    await ok('activate', component, { DYSNOMIA_STATEDIR: stateDir, msSqlServer: 'db.example\\PROD' })
    expect(await tools.take()).toEqual([
      { argv: ['osql', '-S', 'db.example\\PROD', '-n', '-h-1', '-b', '-E'], stdin: expect.stringContaining("N'trusteddb'"), env: {} },
    ])
  })

  test('fails with the module name and osql error, drops a half-created database, marks nothing active', async () => {
    const component = await makeComponent(work, 'baddb', { 'mssql-databases/a.sql': 'CREATE TABLE x (\n' })
    await tools.take()
    await tools.answer('osql', { stdout: '', stderr: "Login failed for user 'sa'.\n", status: 1 })
    const denied = await run('activate', component)
    await reply('', 1)
    expect(denied.exitCode).not.toBe(0)
    expect(denied.stderr).toContain("Login failed for user 'sa'.")
    expect(denied.stderr).toMatch(/^mssql-database: cannot query the databases of SQL Server instance: \.\\SQLEXPRESS$/m)
    expect(denied.stderr).not.toContain(SECRET)
    await tools.take()

    // The existence check answers 0, then the batch with the broken schema fails: the database goes.
    const failing = await createStandIns(join(work, 'osql-failing'), {
      osql: { stdin: true, script: 'if grep -q "CREATE DATABASE" "$record.stdin"; then echo "Incorrect syntax near \'(\'." >&2; exit 1; fi' },
    })
    await failing.answer('osql', { stdout: '0\n' })
    const broken = await runModule(MODULE, 'activate', component, { ...props, PATH: failing.path })
    expect(broken.exitCode).not.toBe(0)
    expect(broken.stderr).toContain("Incorrect syntax near '('.")
    expect(broken.stderr).toMatch(/^mssql-database: cannot create database: baddb with its initial schema$/m)
    expect((await failing.take()).map((c) => c.stdin?.split('\n')[0])).toEqual([
      'SET NOCOUNT ON',
      'CREATE DATABASE [baddb]',
      "IF DB_ID(N'baddb') IS NOT NULL DROP DATABASE [baddb]",
    ])
    expect(existsSync(join(stateDir, 'activated', MODULE, 'baddb'))).toBe(false)
  })

  test('shell prints the suggested commands', async () => {
    const component = await makeComponent(work, 'shelldb', {})
    const r = await run('shell', component)
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toContain("control the 'shelldb' SQL Server database")
    expect(r.stderr).toContain('osql -S .\\\\SQLEXPRESS -U sa -d shelldb')
  })
})
