import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { examplesDir, readmeSession, type ReadmeSession } from './readme-session.js'
import { runsHere } from '@disnix-ts/test-utils'

vi.setConfig({ testTimeout: 600_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the db-password example: ${support.reason}`)

const passwordFile = join(examplesDir, 'db-password', 'db-password')

// Every command of examples/db-password/README.md, as written: a PostgreSQL server whose password is
// a secret file on the coordinator, and a web service on another machine that logs in with it.
describe.runIf(runsHere(support, 'a test network'))('examples/db-password README', () => {
  let net: Testnet
  let session: ReadmeSession

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    session = await readmeSession('db-password', net.config)
  })
  afterAll(async () => {
    await net?.down()
    await rm(passwordFile, { force: true })
    await session?.cleanup()
  })

  test('the README has its set-up, deploy, file modes, store search and tear-down steps', () => {
    expect(session.blocks.map((b) => b.expected.length)).toEqual([0, 1, 2, 3, 1])
  })

  test('deploy: the web service reads the notes with the password; the module got a path', async () => {
    expect((await session.run(0)).exitCode).toBe(0)
    const r = await session.run(1)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[1]!.expected) expect(r.stdout).toContain(line)
    const password = (await readFile(passwordFile, 'utf8')).trim()
    expect(password.length).toBeGreaterThan(16)
    expect(r.all).not.toContain(password)
    // The server refuses a wrong password over the network: the secret is really in use.
    const wrong = await net.exec('test2', ['sh', '-c', 'PGPASSWORD=wrong PGCONNECT_TIMEOUT=5 psql -X -h test1 -U postgres -d notes -c "SELECT 1"'])
    expect(wrong.exitCode).not.toBe(0)
    expect(wrong.stderr).toMatch(/password authentication failed/)
  })

  test('the secret files have mode 0600 and their owners', async () => {
    const r = await session.run(2)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[2]!.expected) expect(r.stdout).toContain(line)
  })

  test('the password is in no Nix store', async () => {
    const r = await session.run(3)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[3]!.expected) expect(r.stdout).toContain(line)
  })

  test('undeploy removes the secret files; tear-down removes the password', async () => {
    const r = await session.run(4)
    expect(r.exitCode, r.all).toBe(0)
    for (const line of session.blocks[4]!.expected) expect(r.stdout).toContain(line)
    expect(existsSync(passwordFile)).toBe(false)
  })
})
