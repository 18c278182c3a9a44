import { describe, expect, test } from 'vitest'
import { runPerCore } from './run-per-core.js'
import { runPerTarget } from './run-per-target.js'

/** Items on two targets; `fn` records how many run at once per target and overall. */
function tracker() {
  const running = new Map<string, number>()
  const peak = new Map<string, number>()
  let overall = 0
  let overallPeak = 0
  const order: string[] = []
  const fn = async (item: { id: string; targetName: string; fail?: boolean }) => {
    running.set(item.targetName, (running.get(item.targetName) ?? 0) + 1)
    overall++
    peak.set(item.targetName, Math.max(peak.get(item.targetName) ?? 0, running.get(item.targetName)!))
    overallPeak = Math.max(overallPeak, overall)
    order.push(item.id)
    await new Promise((resolve) => setTimeout(resolve, 10))
    running.set(item.targetName, running.get(item.targetName)! - 1)
    overall--
    if (item.fail) throw new Error(`${item.id} failed`)
  }
  return { fn, peak, order, overallPeak: () => overallPeak }
}

const items = (spec: [string, string, number][], fail: string[] = []) =>
  spec.map(([id, targetName, numOfCores]) => ({ id, targetName, numOfCores, fail: fail.includes(id) }))

describe('runPerCore', () => {
  test('runs at most numOfCores per target, all targets at once, every item once', async () => {
    const t = tracker()
    const list = items([['a1', 'a', 2], ['a2', 'a', 2], ['a3', 'a', 2], ['a4', 'a', 2], ['b1', 'b', 1], ['b2', 'b', 1]])
    expect(await runPerCore(list, t.fn)).toEqual([])
    expect(t.peak.get('a')).toBe(2)
    expect(t.peak.get('b')).toBe(1)
    expect(t.overallPeak()).toBe(3)
    expect([...t.order].sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2'])
  })

  test('returns the failed items and still runs the others', async () => {
    const t = tracker()
    const failures = await runPerCore(items([['a1', 'a', 1], ['a2', 'a', 1], ['b1', 'b', 1]], ['a1']), t.fn)
    expect(failures.map((f) => f.item.id)).toEqual(['a1'])
    expect([...t.order].sort()).toEqual(['a1', 'a2', 'b1'])
  })

  test('starts nothing once the signal is aborted', async () => {
    const t = tracker()
    const controller = new AbortController()
    controller.abort()
    const failures = await runPerCore(items([['a1', 'a', 1]]), t.fn, controller.signal)
    expect(failures).toHaveLength(1)
    expect(t.order).toEqual([])
  })
})

describe('runPerTarget', () => {
  test('runs one item at a time per target in order, and -m targets at once', async () => {
    const t = tracker()
    const list = items([['a1', 'a', 4], ['a2', 'a', 4], ['b1', 'b', 4], ['b2', 'b', 4], ['c1', 'c', 4]])
    expect(await runPerTarget(list, 2, t.fn)).toEqual([])
    expect(t.peak.get('a')).toBe(1)
    expect(t.overallPeak()).toBe(2)
    expect(t.order.indexOf('a1')).toBeLessThan(t.order.indexOf('a2'))
    expect(t.order.indexOf('b1')).toBeLessThan(t.order.indexOf('b2'))
  })

  test('groups by target name (QUIRK §10.8) and stops a target at its first failure', async () => {
    const t = tracker()
    const failures = await runPerTarget(items([['a1', 'a', 1], ['a2', 'a', 1], ['b1', 'b', 1]], ['a1']), 1, t.fn)
    expect(failures.map((f) => f.item.id)).toEqual(['a1'])
    expect(t.order).toEqual(['a1', 'b1'])
  })
})
