import { describe, expect, test } from 'vitest'
import { executeTransition, TransitionStatus, type MappingAction, type TransitionEvent, type VerifyGate } from './execute-transition.js'
import { planTransition, type TransitionMapping, type TransitionService } from './transition-plan.js'

// A tiny system: db (t1) <- api (t2) <- web (t1); cache (t2) stands alone.
function svc(name: string, deps: Array<[string, string]> = []): TransitionService {
  return { name, pkg: `/nix/store/${name}`, type: 'echo', dependsOn: deps.map(([service, target]) => ({ service, container: 'echo', target })) }
}
const m = (service: string, target: string): TransitionMapping => ({ service, container: 'echo', target })

const v1 = {
  services: { db: svc('db'), api: svc('api', [['db', 't1']]), web: svc('web', [['api', 't2']]), cache: svc('cache') },
  mappings: [m('db', 't1'), m('api', 't2'), m('web', 't1'), m('cache', 't2')],
}

interface Recorder {
  log: string[]
  events: TransitionEvent[]
  maxParallel: Map<string, number>
  run: (action: MappingAction, mapping: TransitionMapping) => Promise<void>
}

function recorder(fail: (action: MappingAction, mapping: TransitionMapping) => boolean = () => false, delayMs = 5): Recorder {
  const active = new Map<string, number>()
  const r: Recorder = {
    log: [],
    events: [],
    maxParallel: new Map(),
    async run(action, mapping) {
      const now = (active.get(mapping.target) ?? 0) + 1
      active.set(mapping.target, now)
      r.maxParallel.set(mapping.target, Math.max(now, r.maxParallel.get(mapping.target) ?? 0))
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      active.set(mapping.target, (active.get(mapping.target) ?? 1) - 1)
      if (fail(action, mapping)) {
        r.log.push(`${action} ${mapping.service}@${mapping.target} FAILED`)
        throw new Error('module failed')
      }
      r.log.push(`${action} ${mapping.service}@${mapping.target}`)
    },
  }
  return r
}

const cores = (n: Record<string, number>) => (target: string) => n[target]

describe('executeTransition', () => {
  test('a first deployment activates every service after its dependencies, on all targets', async () => {
    const r = recorder()
    const plan = planTransition({ newMappings: v1.mappings, newServices: v1.services })
    const status = await executeTransition(plan, { run: r.run, coresOf: cores({ t1: 2, t2: 2 }) })
    expect(status).toBe(TransitionStatus.Success)
    expect(r.log).toHaveLength(4)
    const at = (entry: string) => r.log.indexOf(entry)
    expect(at('activate db@t1')).toBeLessThan(at('activate api@t2'))
    expect(at('activate api@t2')).toBeLessThan(at('activate web@t1'))
  })

  test('an unchanged configuration does nothing', async () => {
    const r = recorder()
    const plan = planTransition({ newMappings: v1.mappings, newServices: v1.services, oldMappings: v1.mappings, oldServices: v1.services })
    expect(await executeTransition(plan, { run: r.run, coresOf: cores({ t1: 1, t2: 1 }) })).toBe(TransitionStatus.Success)
    expect(r.log).toEqual([])
  })

  test('moving a service deactivates dependants first and reactivates only what changed', async () => {
    // db moves from t1 to t2: api and web change hash (their dependsOn changed), cache stays.
    const v2services = { db: svc('db'), api2: svc('api', [['db', 't2']]), web2: svc('web', [['api2', 't2']]), cache: svc('cache') }
    const v2mappings = [m('db', 't2'), m('api2', 't2'), m('web2', 't1'), m('cache', 't2')]
    const r = recorder()
    const plan = planTransition({ newMappings: v2mappings, newServices: v2services, oldMappings: v1.mappings, oldServices: v1.services })
    expect(plan.unchanged).toEqual([m('cache', 't2')])
    expect(await executeTransition(plan, { run: r.run, coresOf: cores({ t1: 1, t2: 1 }) })).toBe(TransitionStatus.Success)
    expect(r.log).toEqual([
      'deactivate web@t1',
      'deactivate api@t2',
      'deactivate db@t1',
      'activate db@t2',
      'activate api2@t2',
      'activate web2@t1',
    ])
  })

  test('never runs more activities on a target than its numOfCores, but runs targets in parallel', async () => {
    const services = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`s${i}`, svc(`s${i}`)]))
    const mappings = Array.from({ length: 12 }, (_, i) => m(`s${i}`, i % 2 === 0 ? 't1' : 't2'))
    const r = recorder(() => false, 15)
    const plan = planTransition({ newMappings: mappings, newServices: services })
    expect(await executeTransition(plan, { run: r.run, coresOf: cores({ t1: 3, t2: 1 }) })).toBe(TransitionStatus.Success)
    expect(r.maxParallel.get('t1')).toBe(3)
    expect(r.maxParallel.get('t2')).toBe(1)
  })

  test('a failing activation rolls back the new services (dependants first) and reactivates the old ones', async () => {
    const v2services = { ...v1.services, api2: svc('api', [['db', 't1']]), web2: svc('web', [['api2', 't2']]) }
    const v2mappings = [m('db', 't1'), m('api2', 't2'), m('web2', 't1'), m('cache', 't2')]
    const r = recorder((action, mapping) => action === 'activate' && mapping.service === 'web2')
    const plan = planTransition({ newMappings: v2mappings, newServices: v2services, oldMappings: v1.mappings, oldServices: v1.services })
    const status = await executeTransition(plan, { run: r.run, coresOf: cores({ t1: 1, t2: 1 }) })
    expect(status).toBe(TransitionStatus.Failed)
    expect(r.log).toEqual([
      'deactivate web@t1',
      'deactivate api@t2',
      'activate api2@t2',
      'activate web2@t1 FAILED',
      'deactivate api2@t2',
      'activate api@t2',
      'activate web@t1',
    ])
  })

  test('a failure while rolling back new mappings exits with 3', async () => {
    const r = recorder((action, mapping) => mapping.service === 'web' || (action === 'deactivate' && mapping.service === 'api'))
    const plan = planTransition({ newMappings: v1.mappings, newServices: v1.services })
    expect(await executeTransition(plan, { run: r.run, coresOf: cores({ t1: 1, t2: 1 }) })).toBe(TransitionStatus.NewMappingsRollbackFailed)
  })

  test('a failing deactivation reactivates what was deactivated; a failure there exits with 2', async () => {
    const plan = planTransition({ newMappings: [m('cache', 't2')], newServices: { cache: v1.services.cache }, oldMappings: v1.mappings, oldServices: v1.services })
    const r = recorder((action, mapping) => action === 'deactivate' && mapping.service === 'api')
    expect(await executeTransition(plan, { run: r.run, coresOf: cores({ t1: 1, t2: 1 }) })).toBe(TransitionStatus.Failed)
    expect(r.log).toEqual(['deactivate web@t1', 'deactivate api@t2 FAILED', 'activate web@t1'])

    const r2 = recorder((action, mapping) => (action === 'deactivate' && mapping.service === 'api') || (action === 'activate' && mapping.service === 'web'))
    expect(await executeTransition(plan, { run: r2.run, coresOf: cores({ t1: 1, t2: 1 }) })).toBe(TransitionStatus.ObsoleteMappingsRollbackFailed)
  })

  test('--no-rollback leaves the failed state as it is', async () => {
    const r = recorder((action, mapping) => mapping.service === 'api')
    const plan = planTransition({ newMappings: v1.mappings, newServices: v1.services })
    const events: TransitionEvent[] = []
    const status = await executeTransition(plan, { run: r.run, coresOf: cores({ t1: 1, t2: 1 }), noRollback: true, onEvent: (e) => events.push(e) })
    expect(status).toBe(TransitionStatus.Failed)
    expect(r.log).not.toContain('deactivate db@t1')
    expect(events.some((e) => e.kind === 'message' && e.text.includes('not performing a rollback'))).toBe(true)
  })

  test('an interruption lets running activities finish, starts nothing new, then rolls back', async () => {
    const controller = new AbortController()
    const r = recorder()
    const plan = planTransition({ newMappings: v1.mappings, newServices: v1.services })
    const run = async (action: MappingAction, mapping: TransitionMapping) => {
      if (action === 'activate' && mapping.service === 'db') controller.abort()
      await r.run(action, mapping)
    }
    const status = await executeTransition(plan, { run, coresOf: cores({ t1: 1, t2: 1 }), signal: controller.signal })
    expect(status).toBe(TransitionStatus.Failed)
    expect(r.log).not.toContain('activate web@t1')
    expect(r.log.at(-1)).toBe('deactivate db@t1')
  })

  test('services on a machine that left the infrastructure are skipped when deactivating', async () => {
    const plan = planTransition({ newMappings: [m('cache', 't2')], newServices: { cache: v1.services.cache }, oldMappings: v1.mappings, oldServices: v1.services })
    const events: TransitionEvent[] = []
    const r = recorder()
    expect(await executeTransition(plan, { run: r.run, coresOf: cores({ t2: 1 }), onEvent: (e) => events.push(e) })).toBe(TransitionStatus.Success)
    expect(events.filter((e) => e.kind === 'skip').map((e) => (e.kind === 'skip' ? e.mapping.service : ''))).toEqual(['web', 'db'])
    expect(r.log).toEqual(['deactivate api@t2'])
  })
})

describe('executeTransition with a health gate (verify)', () => {
  test('dependants wait for the gate; a failing gate rolls back like a failing activation, and rollbacks are not gated', async () => {
    const v2services = { ...v1.services, api2: svc('api', [['db', 't1']]), web2: svc('web', [['api2', 't2']]) }
    const v2mappings = [m('db', 't1'), m('api2', 't2'), m('web2', 't1'), m('cache', 't2')]
    const r = recorder()
    const verified: string[] = []
    const verify = async (mapping: TransitionMapping) => {
      verified.push(`${mapping.service}@${mapping.target}`)
      r.log.push(`verify ${mapping.service}@${mapping.target}`)
      if (mapping.service === 'api2') throw new Error('api2 is not healthy')
    }
    const events: TransitionEvent[] = []
    const plan = planTransition({ newMappings: v2mappings, newServices: v2services, oldMappings: v1.mappings, oldServices: v1.services })
    const status = await executeTransition(plan, { run: r.run, verify, coresOf: cores({ t1: 1, t2: 1 }), onEvent: (e) => events.push(e) })
    expect(status).toBe(TransitionStatus.Failed)
    expect(r.log).toEqual([
      'deactivate web@t1',
      'deactivate api@t2',
      'activate api2@t2',
      'verify api2@t2',
      'deactivate api2@t2',
      'activate api@t2',
      'activate web@t1',
    ])
    expect(verified).toEqual(['api2@t2'])
    const failed = events.find((e) => e.kind === 'failed')
    expect(failed).toMatchObject({ action: 'activate', rollback: false, mapping: m('api2', 't2') })
    expect(String((failed as { error: unknown }).error)).toMatch(/api2 is not healthy/)
  })

  test('a passing gate runs once per new activation', async () => {
    const r = recorder()
    const verified: string[] = []
    const plan = planTransition({ newMappings: v1.mappings, newServices: v1.services })
    const status = await executeTransition(plan, { run: r.run, verify: async (mp) => void verified.push(mp.service), coresOf: cores({ t1: 2, t2: 2 }) })
    expect(status).toBe(TransitionStatus.Success)
    expect(verified.sort()).toEqual(['api', 'cache', 'db', 'web'])
  })
})

describe('executeTransition: a health gate\'s waits and its first pass', () => {
  test('the waits between checks hold no core; each check takes one, never more than numOfCores', async () => {
    // One core on t1: db and cache (independent) would run one after the other if db's gate held it.
    const services = { db: svc('db'), cache: svc('cache') }
    const plan = planTransition({ newMappings: [m('db', 't1'), m('cache', 't1')], newServices: services })
    const r = recorder()
    let busy = 0
    let maxBusy = 0
    const run = async (action: MappingAction, mapping: TransitionMapping) => {
      busy++
      maxBusy = Math.max(maxBusy, busy)
      await r.run(action, mapping)
      busy--
    }
    const verify = async (mapping: TransitionMapping, _service: TransitionService, gate: VerifyGate) => {
      for (let i = 0; i < 3; i++) {
        await gate.withCore(async () => {
          busy++
          maxBusy = Math.max(maxBusy, busy)
          r.log.push(`check ${mapping.service}`)
          await new Promise((resolve) => setTimeout(resolve, 5))
          busy--
        })
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      r.log.push(`verified ${mapping.service}`)
    }
    expect(await executeTransition(plan, { run, verify, coresOf: cores({ t1: 1 }) })).toBe(TransitionStatus.Success)
    const first = r.log[0]!.split(' ')[1]!.split('@')[0]!
    const second = first === 'db' ? 'cache' : 'db'
    // The second activation ran while the first service's gate was still waiting.
    expect(r.log.indexOf(`activate ${second}@t1`)).toBeLessThan(r.log.indexOf(`verified ${first}`))
    expect(maxBusy).toBe(1)
    expect(r.log.filter((e) => e.startsWith('check'))).toHaveLength(6)
  })

  test('dependants start once the gate passed; a gate that fails afterwards rolls them back too', async () => {
    const services = { db: svc('db'), api: svc('api', [['db', 't1']]) }
    const plan = planTransition({ newMappings: [m('db', 't1'), m('api', 't2')], newServices: services })
    const r = recorder()
    const events: TransitionEvent[] = []
    const verify = async (mapping: TransitionMapping, _service: TransitionService, gate: VerifyGate) => {
      gate.passed()
      if (mapping.service !== 'db') return
      // db answered once, then dies within its settle time: after api was activated on top of it.
      while (!r.log.includes('activate api@t2')) await new Promise((resolve) => setTimeout(resolve, 2))
      throw new Error('db stopped during its settle time')
    }
    const status = await executeTransition(plan, { run: r.run, verify, coresOf: cores({ t1: 1, t2: 1 }), onEvent: (e) => events.push(e) })
    expect(status).toBe(TransitionStatus.Failed)
    expect(r.log).toEqual(['activate db@t1', 'activate api@t2', 'deactivate api@t2', 'deactivate db@t1'])
    const failed = events.filter((e) => e.kind === 'failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ action: 'activate', rollback: false, mapping: m('db', 't1') })
  })
})

describe('executeTransition after an interruption during an upgrade', () => {
  test('deactivates the new version that finished and reactivates the old one', async () => {
    const v2services = { ...v1.services, web2: svc('web', [['api', 't2']]) }
    const v2mappings = [m('db', 't1'), m('api', 't2'), m('web2', 't1'), m('cache', 't2')]
    const controller = new AbortController()
    const r = recorder()
    const run = async (action: MappingAction, mapping: TransitionMapping) => {
      if (action === 'activate' && mapping.service === 'web2') controller.abort()
      await r.run(action, mapping)
    }
    const plan = planTransition({ newMappings: v2mappings, newServices: v2services, oldMappings: v1.mappings, oldServices: v1.services })
    const status = await executeTransition(plan, { run, coresOf: cores({ t1: 1, t2: 1 }), signal: controller.signal })
    expect(status).toBe(TransitionStatus.Failed)
    expect(r.log).toEqual(['deactivate web@t1', 'activate web2@t1', 'deactivate web2@t1', 'activate web@t1'])
  })
})
