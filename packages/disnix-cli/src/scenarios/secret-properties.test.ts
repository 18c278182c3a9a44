import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { runBin, runsHere } from '@disnix-ts/test-utils'
import { coordinator, fixtures, targetLines, type Coordinator } from './scenario-helpers.js'

vi.setConfig({ testTimeout: 300_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the secret properties scenario: ${support.reason}`)

const dir = join(fixtures, 'secret-properties')
const PASSWORD = 'Kn0wn-Pa55word-7731'
const LICENCE = 'Kn0wn-Licence-9912'

// A container property whose name looks secret (mysqlPassword), and one that the user declared
// secret with DISNIX_SECRET_PROPERTIES (licence), travel to the module; no output of the deployment
// shows their values, neither on success nor when the module prints them and fails.
describe.runIf(runsHere(support, 'a test network'))('secret properties end to end', () => {
  let net: Testnet
  let coord: Coordinator

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1'] })
    coord = await coordinator(net)
  })
  afterAll(async () => {
    await net?.down()
    await coord?.cleanup()
  })

  const models = ['-s', join(dir, 'services.nix'), '-i', join(dir, 'infrastructure.nix'), '-d', join(dir, 'distribution.nix')]
  const state = (file: string) => join(net.targets[0]!.root, 'var/state', file)

  test.for([
    ['the in-process client interface', 'in-process', {}],
    ['disnix-ssh-client processes', 'processes', { DISNIX_IN_PROCESS_INTERFACE: '0' }],
  ] as const)('%s: the module receives the password; disnix-env shows it as *** only', async ([, profile, extra]) => {
    await rm(state('fail-with-secret'), { force: true })
    await rm(state('secret-reader-digest'), { force: true })
    const env = { ...coord.env, ...extra, DISNIX_SECRET_PROPERTIES: 'licence' }
    const r = await runBin('disnix-env', [...models, '-p', profile, '--coordinator-profile-path', coord.profileDir], { env, timeoutMs: 300_000 })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/arguments: licence=\*\*\* mysqlPassword=\*\*\* mysqlPort=3306 /)
    for (const output of [r.stdout, r.stderr]) {
      expect(output).not.toContain(PASSWORD)
      expect(output).not.toContain(LICENCE)
    }
    const digest = (await execa('cksum', { input: PASSWORD })).stdout
    expect(await targetLines(net, 'test1', 'var/state/secret-reader-digest')).toEqual([digest])
  })

  test('a module that prints the password and fails: the messages and relayed output show ***', async () => {
    await writeFile(state('fail-with-secret'), '')
    try {
      const env = { ...coord.env, DISNIX_SECRET_PROPERTIES: 'licence' }
      const r = await runBin('disnix-env', [...models, '-p', 'failing', '--coordinator-profile-path', coord.profileDir], { env, timeoutMs: 300_000 })
      expect(r.exitCode).not.toBe(0)
      expect(r.stderr).toMatch(/cannot connect with password \*\*\* and licence \*\*\*/)
      for (const output of [r.stdout, r.stderr]) {
        expect(output).not.toContain(PASSWORD)
        expect(output).not.toContain(LICENCE)
      }
    } finally {
      await rm(state('fail-with-secret'), { force: true })
    }
  })
  test('a health check that prints the password and fails: the reason and relayed output show ***', async () => {
    await writeFile(state('fail-check-with-secret'), '')
    try {
      const env = { ...coord.env, DISNIX_SECRET_PROPERTIES: 'licence' }
      const args = [...models, '-p', 'failing-check', '--health-check-timeout', '1', '--coordinator-profile-path', coord.profileDir]
      const r = await runBin('disnix-env', args, { env, timeoutMs: 300_000 })
      expect(r.exitCode).not.toBe(0)
      expect(r.stderr).toMatch(/cannot log in with password \*\*\*/)
      for (const output of [r.stdout, r.stderr]) expect(output).not.toContain(PASSWORD)
    } finally {
      await rm(state('fail-check-with-secret'), { force: true })
    }
  })
})
