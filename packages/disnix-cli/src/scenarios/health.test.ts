import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { coordinator, fixtures, targetEntries, targetLines, type Coordinator } from './scenario-helpers.js'

vi.setConfig({ testTimeout: 240_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the health-check scenario: ${support.reason}`)

const dir = join(fixtures, 'health')
const infrastructure = join(dir, 'infrastructure.nix')
const models = ['-s', join(dir, 'services.nix'), '-i', infrastructure, '-d', join(dir, 'distribution.nix')]

interface StatusDocument {
  targets: Array<{ target: string; services: Array<{ name: string; pkg: string; status: string; reason: string }> }>
}

// Health-gated deployments, the status view and repair, with `process` services on two real targets.
describe.runIf(runsHere(support, 'a test network'))('health checks: gate, status and repair', () => {
  let net: Testnet
  let coord: Coordinator
  const generations = async () => (await coord.run('disnix-env', ['--list-generations'])).stdout.trim().split('\n').filter((l) => l !== '')
  const status = async () => {
    const r = await coord.runPlain('disnix-query', ['--status', '--format', 'json', infrastructure])
    return { exitCode: r.exitCode, stderr: r.stderr, document: JSON.parse(r.stdout) as StatusDocument }
  }
  const service = (document: StatusDocument, target: string, name: string) => document.targets.find((t) => t.target === target)?.services.find((s) => s.name === name)
  const pid = async (target: string, name: string) => (await targetLines(net, target, `run/${name}.pid`))[0]

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    coord = await coordinator(net)
  })
  afterAll(async () => {
    await net?.down()
    await coord?.cleanup()
  })

  test('a first deployment waits for healthy services; --status shows them healthy', async () => {
    const r = await coord.run('disnix-env', models)
    expect(r.exitCode, r.stderr).toBe(0)
    expect(await pid('test1', 'db')).toMatch(/^\d+$/)
    expect(await pid('test2', 'web')).toMatch(/^\d+$/)
    const s = await status()
    expect(s.exitCode, s.stderr).toBe(0)
    expect(service(s.document, 'test1', 'db')).toMatchObject({ status: 'healthy' })
    expect(service(s.document, 'test2', 'web')).toMatchObject({ status: 'healthy' })
    expect(await generations()).toHaveLength(1)
  })

  test('a service that exits a second after a successful activation fails the deployment, which rolls back', async () => {
    const before = (await status()).document
    const webBefore = service(before, 'test2', 'web')!
    const r = await coord.run('disnix-env', [...models, '--extra-params', '{ crash = true; }'])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('Activation failed! Doing a rollback...')
    expect(r.stderr).toMatch(/\[target: test2\]: service web did not become healthy within 5 s: process \d+ of PID file: \/var\/run\/web\.pid (is not running|has exited)/)
    // The previous configuration is active again: the same web package runs and is healthy, no new generation.
    const after = await status()
    expect(after.exitCode, after.stderr).toBe(0)
    expect(service(after.document, 'test2', 'web')).toMatchObject({ status: 'healthy', pkg: webBefore.pkg })
    expect(await generations()).toHaveLength(1)
    expect(await targetEntries(net, 'test2', 'nix/var/nix/profiles/disnix')).toEqual(['default', 'default-1-link'])
  })

  test('--no-health-checks lets the same deployment through', async () => {
    const r = await coord.run('disnix-env', [...models, '--extra-params', '{ crash = true; }', '--no-health-checks'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(await generations()).toHaveLength(2)
    // Back to the healthy configuration for what follows.
    const back = await coord.run('disnix-env', ['--rollback'])
    expect(back.exitCode, back.stderr).toBe(0)
  })

  test('--status reports a killed service as failing on its target and exits 2; --repair brings it back without a generation', async () => {
    const count = (await generations()).length
    const killed = (await pid('test2', 'web'))!
    const kill = await net.exec('test2', ['kill', '-9', killed])
    expect(kill.exitCode).toBe(0)

    const failing = await status()
    expect(failing.exitCode).toBe(2)
    expect(failing.stderr).toContain('1 service failing: web on test2')
    expect(service(failing.document, 'test2', 'web')).toMatchObject({ status: 'failing', reason: expect.stringContaining(`process ${killed} of PID file: /var/run/web.pid`) as string })
    expect(service(failing.document, 'test1', 'db')).toMatchObject({ status: 'healthy' })
    const text = await coord.runPlain('disnix-query', ['--status', infrastructure])
    expect(text.exitCode).toBe(2)
    expect(text.stdout).toMatch(/Services on: test2\n\n {2}failing {2}web {2}\/nix\/store\/\S+-web-1: process \d+ of PID file/)

    const dbPid = await pid('test1', 'db')
    const repair = await coord.run('disnix-env', ['--repair'])
    expect(repair.exitCode, repair.stderr).toBe(0)
    expect(repair.stderr).toContain('[target: test2]: Service: web is failing')
    expect(repair.stderr).toContain('[target: test2]: Repaired service: web')
    expect(repair.stderr).toContain('Repaired 1 service')
    // Only the failing service was touched.
    expect(await pid('test1', 'db')).toBe(dbPid)
    expect(await pid('test2', 'web')).not.toBe(killed)
    const healthy = await status()
    expect(healthy.exitCode, healthy.stderr).toBe(0)
    expect(service(healthy.document, 'test2', 'web')).toMatchObject({ status: 'healthy' })
    expect(await generations()).toHaveLength(count)
  })

  test('--repair with everything healthy does nothing', async () => {
    const webPid = await pid('test2', 'web')
    const r = await coord.run('disnix-env', ['--repair'])
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain('nothing to repair')
    expect(await pid('test2', 'web')).toBe(webPid)
  })
})
