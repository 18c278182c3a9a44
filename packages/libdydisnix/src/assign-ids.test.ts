import { describe, expect, test } from 'vitest'
import { assignIds, nextId } from './assign-ids.js'
import { checkIdResources } from './id-resources.js'
import { emptyIdsConfig, type IdsConfig } from './ids-config.js'
import { candidates, servicesTable } from './testing.js'

const resources = checkIdResources({ ports: { min: 3000, max: 3003 }, uids: { min: 100, max: 199, scope: 'machine' } }, 'idresources.nix')
const wants = (...r: string[]) => ({ requireUniqueIdsFor: r })

describe('assignIds', () => {
  test('without a distribution every service that asks gets the next ID from min, in sorted order', () => {
    const services = servicesTable({ web: wants('ports'), api: wants('ports'), db: {} })
    const ids = assignIds({ services, resources: { ports: resources.ports! }, previous: emptyIdsConfig() })
    expect(ids.ids).toEqual({ ports: { api: 3000, web: 3001 } })
    expect(ids.lastAssignments).toEqual({ ports: 3001 })
  })

  test('kept across runs: services keep their IDs, new ones get the next free ID, removed ones free theirs', () => {
    const first = assignIds({ services: servicesTable({ a: wants('ports'), b: wants('ports') }), resources: { ports: resources.ports! }, previous: emptyIdsConfig() })
    expect(first.ids.ports).toEqual({ a: 3000, b: 3001 })
    // a is removed, c and d are new: c and d continue after the last ID (3001), b keeps 3001
    const second = assignIds({ services: servicesTable({ b: wants('ports'), c: wants('ports'), d: wants('ports') }), resources: { ports: resources.ports! }, previous: first })
    expect(second.ids.ports).toEqual({ b: 3001, c: 3002, d: 3003 })
    // the pool wraps around at max: e gets 3000, which a freed
    const third = assignIds({ services: servicesTable({ b: wants('ports'), c: wants('ports'), d: wants('ports'), e: wants('ports') }), resources: { ports: resources.ports! }, previous: second })
    expect(third.ids.ports).toEqual({ b: 3001, c: 3002, d: 3003, e: 3000 })
    expect(third.lastAssignments.ports).toBe(3000)
    // and then it is depleted
    expect(() =>
      assignIds({ services: servicesTable({ b: wants('ports'), c: wants('ports'), d: wants('ports'), e: wants('ports'), f: wants('ports') }), resources: { ports: resources.ports! }, previous: third }),
    ).toThrow("The IDs of resource `ports' are depleted (3000..3003, step 1, 4 in use)")
  })

  test('with a distribution only deployed services get IDs; an undeployed service loses its ID', () => {
    const services = servicesTable({ a: wants('ports'), b: wants('ports') })
    const both = assignIds({ services, resources: { ports: resources.ports! }, previous: emptyIdsConfig(), distribution: candidates({ a: ['test1'], b: ['test1', 'test2'] }) })
    expect(both.ids.ports).toEqual({ a: 3000, b: 3001 })
    const onlyB = assignIds({ services, resources: { ports: resources.ports! }, previous: both, distribution: candidates({ a: [], b: ['test2'] }) })
    expect(onlyB.ids.ports).toEqual({ b: 3001 })
  })

  test('machine-scoped IDs are unique per target, and a service that moves gets an ID that is free there', () => {
    const services = servicesTable({ a: wants('uids'), b: wants('uids'), c: wants('uids') })
    const first = assignIds({ services, resources, previous: emptyIdsConfig(), distribution: candidates({ a: ['test1'], b: ['test1'], c: ['test2'] }) })
    expect(first.ids.uids).toEqual({ a: 100, b: 101, c: 100 })
    expect(first.lastAssignmentsPerTarget).toEqual({ test1: { uids: 101 }, test2: { uids: 100 } })
    expect(first.assignmentTargets.uids).toEqual({ a: 'test1', b: 'test1', c: 'test2' })
    // c moves to test1, where 100 is a's: a and b keep theirs, c gets the next one free on test1
    const second = assignIds({ services, resources, previous: first, distribution: candidates({ a: ['test1'], b: ['test1'], c: ['test1'] }) })
    expect(second.ids.uids).toEqual({ a: 100, b: 101, c: 102 })
    // test2 runs nothing any more, so its last assignment is forgotten
    expect(second.lastAssignmentsPerTarget).toEqual({ test1: { uids: 102 } })
  })

  test('an IDs file without assignmentTargets (as the original writes it) keeps machine-scoped IDs in place', () => {
    const previous: IdsConfig = { ...emptyIdsConfig(), ids: { uids: { a: 150 } } }
    const ids = assignIds({ services: servicesTable({ a: wants('uids') }), resources, previous, distribution: candidates({ a: ['test3'] }) })
    expect(ids.ids.uids).toEqual({ a: 150 })
  })

  test('IDs outside a changed range are reassigned; resources that are gone are dropped', () => {
    const previous: IdsConfig = { ...emptyIdsConfig(), ids: { ports: { a: 2999 }, gids: { a: 5 } }, lastAssignments: { ports: 2999, gids: 5 } }
    const ids = assignIds({ services: servicesTable({ a: wants('ports') }), resources: { ports: resources.ports! }, previous })
    expect(ids.ids).toEqual({ ports: { a: 3000 } })
    expect(ids.lastAssignments).toEqual({ ports: 3000 })
  })

  test('step: the search advances in steps (services that derive several ports from a base port)', () => {
    const stepped = checkIdResources({ ports: { min: 8000, max: 8099, step: 10 } }, 'idresources.nix')
    const ids = assignIds({ services: servicesTable({ a: wants('ports'), b: wants('ports') }), resources: stepped, previous: emptyIdsConfig() })
    expect(ids.ids.ports).toEqual({ a: 8000, b: 8010 })
  })

  test('errors name the service, the resource and the model', () => {
    expect(() => assignIds({ services: servicesTable({ a: wants('uids') }), resources, previous: emptyIdsConfig(), resourcesLabel: 'ID resources model idresources.nix' })).toThrow(
      'ID resources model idresources.nix: resource `uids\' has scope "machine", which needs a distribution model (-d) to know the machines',
    )
    expect(() => assignIds({ services: servicesTable({ a: wants('gids') }), resources, previous: emptyIdsConfig(), resourcesLabel: 'ID resources model idresources.nix' })).toThrow(
      "Service: a needs unique IDs of resource `gids' (its requireUniqueIdsFor), which ID resources model idresources.nix does not define",
    )
    expect(() => assignIds({ services: servicesTable({ a: wants('uids') }), resources, previous: emptyIdsConfig(), distribution: candidates({ a: ['test1', 'test2'] }) })).toThrow(
      "Service: a needs a unique ID of resource `uids', which is unique per machine, so it can be deployed to one target only, but it is mapped to: test1, test2",
    )
    expect(() => assignIds({ services: servicesTable({ a: { requireUniqueIdsFor: 'ports' } }), resources, previous: emptyIdsConfig() })).toThrow(
      "Service: a: property `requireUniqueIdsFor' must be a list of ID resource names",
    )
  })
})

describe('nextId', () => {
  test('starts at min, continues after the last one, skips taken IDs and wraps around', () => {
    const r = { min: 1, max: 3, scope: 'global' as const, step: 1 }
    expect(nextId(r, new Set(), undefined, 'x')).toBe(1)
    expect(nextId(r, new Set([2]), 1, 'x')).toBe(3)
    expect(nextId(r, new Set([1]), 3, 'x')).toBe(2)
  })
})
