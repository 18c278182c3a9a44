import { describe, expect, test } from 'vitest'
import { minSetCover } from './minsetcover.js'
import { candidates, targetNames, targets } from './testing.js'

const cover = (distribution: Record<string, string[]>, costs: Record<string, number | string>) =>
  targetNames(minSetCover({ infrastructure: targets(Object.fromEntries(Object.entries(costs).map(([t, cost]) => [t, { cost }]))), distribution: candidates(distribution), targetProperty: 'cost' }))

describe('minSetCover', () => {
  test('one machine that can host everything cheaply hosts everything', () => {
    // test1: 3 services for 10 (3.3 each); test2: 3 for 30
    expect(cover({ a: ['test1', 'test2'], b: ['test1', 'test2'], c: ['test1', 'test2'] }, { test1: 10, test2: 30 })).toEqual({ a: ['test1'], b: ['test1'], c: ['test1'] })
  })

  test('picks the lowest cost per newly covered service, then covers the rest', () => {
    // test1 covers a, b, c for 16 (5.33 each), test2 only c for 5 → test2 first, then test1 for a and b
    expect(cover({ a: ['test1'], b: ['test1'], c: ['test1', 'test2'] }, { test1: 16, test2: 5 })).toEqual({ a: ['test1'], b: ['test1'], c: ['test2'] })
    // with test1 at 8 (2.67 each) it covers all three first
    expect(cover({ a: ['test1'], b: ['test1'], c: ['test1', 'test2'] }, { test1: 8, test2: 5 })).toEqual({ a: ['test1'], b: ['test1'], c: ['test1'] })
  })

  test('a machine without a cost counts as free; among equal fractions the first machine (sorted) wins', () => {
    expect(targetNames(minSetCover({ infrastructure: targets({ test1: {}, test2: { cost: 1 } }), distribution: candidates({ a: ['test2', 'test1'] }), targetProperty: 'cost' }))).toEqual({ a: ['test1'] })
    expect(cover({ a: ['test2', 'test1'] }, { test1: 4, test2: 4 })).toEqual({ a: ['test1'] })
  })

  // Known not to be optimal (greedy set cover is an H(n) approximation): big hosts all four
  // services for 5 (1.25 each); small1 hosts a, b for 2 (1 each), so it goes first; then c, d cost
  // 3.5 on small2 (1.75 each) against 5 on big (2.5 each): 5.5 in total, where big alone costs 5.
  test('can cost more than the cheapest cover (a known limit of the approximation)', () => {
    const result = cover(
      { a: ['big', 'small1'], b: ['big', 'small1'], c: ['big', 'small2'], d: ['big', 'small2'] },
      { big: 5, small1: 2, small2: 3.5 },
    )
    expect(result).toEqual({ a: ['small1'], b: ['small1'], c: ['small2'], d: ['small2'] })
  })

  test('a service without candidates is an error (the original loops forever)', () => {
    expect(() => cover({ a: ['test1'], b: [] }, { test1: 1 })).toThrow('Service: b has no candidate targets, so the services cannot be covered')
  })
})
