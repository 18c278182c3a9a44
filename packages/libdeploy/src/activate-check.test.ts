import { describe, expect, test } from 'vitest'
import type { CheckOutcome, ClientInterface, InterfaceRequest, InterfaceResult } from '@disnix-ts/libinterface'
import { emptyManifest, type Manifest, type Service } from '@disnix-ts/libmanifest'
import { activateSystem } from './activate-system.js'
import { TransitionStatus } from './execute-transition.js'

// The health gate's first check rides on the activation (activate-check) where the interface knows
// the operation: one call per activated service instead of two. Checked against a recording
// interface, with a settle time short enough for a unit test.

const policy = { timeoutMs: 2000, intervalMs: 10, settleMs: 20 }

function service(name: string, dependsOn: string[] = []): Service {
  return {
    name,
    pkg: `/nix/store/${'0'.repeat(32)}-${name}`,
    type: 'echo',
    dependsOn: dependsOn.map((d) => ({ service: d, container: 'echo', target: 'box' })),
    connectsTo: [],
    providesContainers: {},
  }
}

function manifestOf(services: Service[]): Manifest {
  return {
    ...emptyManifest(),
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    infrastructure: {
      box: { name: 'box', properties: { hostname: 'box' }, containers: {}, system: 'x86_64-linux', numOfCores: 1, clientInterface: 'fake', targetProperty: 'hostname' },
    },
    serviceMappings: services.map((s) => ({ service: s.name, container: 'echo', target: 'box' })),
  }
}

/** An interface that records each call as `op name` and answers checks from `health` (default healthy). */
function recordingInterface(options: { knows: boolean; failActivate?: string; health?: (name: string, op: string) => CheckOutcome }) {
  const calls: string[] = []
  const iface: ClientInterface = {
    name: 'fake',
    ...(options.knows ? { knows: (op) => op === 'activate-check' } : {}),
    async call<R extends InterfaceRequest>(_target: string, request: R): Promise<InterfaceResult<R>> {
      const name = (request as { component?: string }).component?.slice(44) ?? ''
      calls.push(`${request.op} ${name}`)
      if ((request.op === 'activate' || request.op === 'activate-check') && name === options.failActivate) throw new Error(`activation of ${name} refused`)
      if (request.op === 'check' || request.op === 'activate-check') {
        return (options.health?.(name, request.op) ?? { status: 'healthy', reason: 'running' }) as InterfaceResult<R>
      }
      return undefined as InterfaceResult<R>
    },
  }
  return { iface, calls }
}

async function transition(iface: ClientInterface, manifest: Manifest, oldManifest?: Manifest) {
  return activateSystem({ manifest, oldManifest, progress: () => {}, tmpdir: '/tmp', clientInterfaces: () => iface, healthChecks: policy })
}

describe('the health gate with activate-check', () => {
  test('an interface that knows it: each new service is activated and first checked in one call; the settle checks follow', async () => {
    const { iface, calls } = recordingInterface({ knows: true })
    expect(await transition(iface, manifestOf([service('db'), service('web', ['db'])]))).toBe(TransitionStatus.Success)
    expect(calls.filter((c) => c.startsWith('activate'))).toEqual(['activate-check db', 'activate-check web'])
    // No check right after the activation: the first one the gate asks for is a settle check.
    expect(calls.indexOf('check db')).toBeGreaterThan(calls.indexOf('activate-check db'))
    expect(calls.filter((c) => c === 'check db')).toHaveLength(2)
  })

  test('an interface that does not know it (an executable of any implementation): activate, then check', async () => {
    const { iface, calls } = recordingInterface({ knows: false })
    expect(await transition(iface, manifestOf([service('db')]))).toBe(TransitionStatus.Success)
    expect(calls).toEqual(['activate db', 'check db', 'check db', 'check db'])
  })

  test('a failing first answer starts the wait for a healthy one; one that never comes fails and rolls back with plain activities', async () => {
    let dbChecks = 0
    const { iface, calls } = recordingInterface({
      knows: true,
      health: (name) => (name === 'db' && dbChecks++ === 0 ? { status: 'failing', reason: 'starting' } : name === 'web' ? { status: 'failing', reason: 'broken' } : { status: 'healthy', reason: 'up' }),
    })
    const old = manifestOf([service('old')])
    const status = await transition(iface, manifestOf([service('db'), service('web', ['db'])]), old)
    expect(status).toBe(TransitionStatus.Failed)
    expect(calls.filter((c) => c.startsWith('activate'))).toEqual(['activate-check db', 'activate-check web', 'activate old'])
    expect(calls).toContain('deactivate old')
    expect(calls).toContain('deactivate web')
    expect(calls).toContain('deactivate db')
  })

  test('a refused activation through activate-check fails the transition like a refused activate', async () => {
    const { iface, calls } = recordingInterface({ knows: true, failActivate: 'web' })
    expect(await transition(iface, manifestOf([service('db'), service('web', ['db'])]))).toBe(TransitionStatus.Failed)
    expect(calls.filter((c) => c.startsWith('activate') || c.startsWith('deactivate'))).toEqual(['activate-check db', 'activate-check web', 'deactivate db'])
  })

  test('without the gate, plain activations', async () => {
    const { iface, calls } = recordingInterface({ knows: true })
    const status = await activateSystem({ manifest: manifestOf([service('db')]), progress: () => {}, tmpdir: '/tmp', clientInterfaces: () => iface, healthChecks: false })
    expect(status).toBe(TransitionStatus.Success)
    expect(calls).toEqual(['activate db'])
  })
})
