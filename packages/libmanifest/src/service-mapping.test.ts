import { describe, expect, test } from 'vitest'
import {
  findServiceMapping,
  intersectServiceMappings,
  intersectSnapshotMappings,
  sameServiceMappingKeys,
  sortServiceMappings,
  sortSnapshotMappings,
  subtractServiceMappings,
  subtractSnapshotMappings,
  unionServiceMappings,
  type ServiceMapping,
} from './service-mapping.js'

const m = (target: string, container: string, service: string, provider?: string): ServiceMapping =>
  provider === undefined ? { target, container, service } : { target, container, service, containerProvidedByService: provider }

describe('service mapping sets', () => {
  const old = [m('t2', 'echo', 's1'), m('t1', 'process', 's2'), m('t1', 'echo', 's3')]
  const next = [m('t1', 'echo', 's3', 'p'), m('t1', 'echo', 's4'), m('t2', 'echo', 's1')]

  test('sorts by target, container, service', () => {
    expect(sortServiceMappings(old)).toEqual([m('t1', 'echo', 's3'), m('t1', 'process', 's2'), m('t2', 'echo', 's1')])
  })

  test('intersect keeps the mappings of the first set whose key is in the second, sorted', () => {
    expect(intersectServiceMappings(next, old)).toEqual([m('t1', 'echo', 's3', 'p'), m('t2', 'echo', 's1')])
  })

  test('subtract keeps the mappings whose key is not in the second set, sorted', () => {
    expect(subtractServiceMappings(old, next)).toEqual([m('t1', 'process', 's2')])
    expect(subtractServiceMappings(next, old)).toEqual([m('t1', 'echo', 's4')])
  })

  test('union holds each key once', () => {
    expect(unionServiceMappings(old, next)).toHaveLength(4)
  })

  test('the provider is not part of the identity', () => {
    expect(findServiceMapping(next, m('t1', 'echo', 's3'))).toEqual(m('t1', 'echo', 's3', 'p'))
    expect(sameServiceMappingKeys([m('a', 'b', 'c', 'p')], [m('a', 'b', 'c'), m('a', 'b', 'c')])).toBe(true)
    expect(sameServiceMappingKeys([m('a', 'b', 'c')], [m('a', 'b', 'd')])).toBe(false)
  })
})

describe('snapshot mapping sets', () => {
  const s = (target: string, container: string, component: string, service = 'h') => ({ target, container, component, service })
  test('are keyed and sorted by target, container, component', () => {
    const a = [s('t2', 'mysql', 'db'), s('t1', 'mysql', 'z'), s('t1', 'mysql', 'a')]
    const b = [s('t1', 'mysql', 'a', 'other')]
    expect(sortSnapshotMappings(a).map((x) => x.component)).toEqual(['a', 'z', 'db'])
    expect(intersectSnapshotMappings(a, b)).toEqual([s('t1', 'mysql', 'a')])
    expect(subtractSnapshotMappings(a, b).map((x) => x.component)).toEqual(['z', 'db'])
  })
})
