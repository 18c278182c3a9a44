import { describe, expect, test } from 'vitest'
import type { ProgressEvent } from './progress.js'
import { addToSummary, emptyRunSummary, nothingToDo, summaryLines } from './run-summary.js'

function summarize(events: ProgressEvent[]) {
  const summary = emptyRunSummary()
  for (const event of events) addToSummary(summary, event)
  return summary
}

const bookkeeping: ProgressEvent[] = [
  { kind: 'phase', phase: 'distribute', status: 'start' },
  { kind: 'step', target: 'test1', step: 'distribute', status: 'done', bytes: 0 },
  { kind: 'phase', phase: 'lock', status: 'start' },
  { kind: 'step', target: 'test1', step: 'lock', status: 'done' },
  { kind: 'phase', phase: 'activate', status: 'start' },
  { kind: 'step', target: 'test1', step: 'set profile', status: 'done' },
  { kind: 'step', target: 'test1', step: 'unlock', status: 'done' },
]

describe('summaryLines', () => {
  test('a deployment that changed nothing says so in one line', () => {
    const summary = summarize(bookkeeping)
    expect(nothingToDo(summary, 'success')).toBe(true)
    expect(summaryLines(summary, 'success', 900)).toEqual(['Nothing to do: no service changed on any target (0.9 s)'])
  })

  test('lists per target what was activated, deactivated, migrated and transferred', () => {
    const summary = summarize([
      ...bookkeeping,
      { kind: 'step', target: 'test1', step: 'activate', service: 'zipcodes', status: 'done' },
      { kind: 'step', target: 'test1', step: 'activate', service: 'rooms', status: 'done' },
      { kind: 'step', target: 'test2', step: 'deactivate', service: 'staff', status: 'done' },
      { kind: 'step', target: 'test2', step: 'snapshot', service: 'staff', status: 'done' },
      { kind: 'transfer', target: 'test2', what: 'snapshot s', bytes: 2048, done: true },
      { kind: 'step', target: 'test1', step: 'restore', service: 'staff', status: 'done' },
      { kind: 'step', target: 'test1', step: 'distribute', status: 'done', bytes: 3 * 1024 * 1024 },
    ])
    expect(nothingToDo(summary, 'success')).toBe(false)
    expect(summaryLines(summary, 'success', 4200)).toEqual([
      'Done in 4.2 s:',
      '  test1: activated zipcodes, rooms; restored staff; 3.0 MiB transferred',
      '  test2: deactivated staff; snapshotted staff; 2.0 KiB transferred',
    ])
  })

  test('a failed run shows what failed and what the rollback undid', () => {
    const summary = summarize([
      { kind: 'phase', phase: 'activate', status: 'start' },
      { kind: 'step', target: 'test1', step: 'activate', service: 'a', status: 'done' },
      { kind: 'step', target: 'test1', step: 'activate', service: 'b', status: 'failed' },
      { kind: 'step', target: 'test1', step: 'deactivate', service: 'a', status: 'done', rollback: true },
    ])
    expect(summaryLines(summary, 'failed', 61_000)).toEqual(['Failed after 1 min 1 s:', '  test1: activated a; rolled back: deactivated a; failed: activate b'])
  })

  test('a run of bookkeeping only (disnix-lock) lists it; long lists are shortened', () => {
    const lock = summarize([{ kind: 'phase', phase: 'lock', status: 'start' }, { kind: 'step', target: 'test1', step: 'lock', status: 'done' }])
    expect(summaryLines(lock, 'success', 100)).toEqual(['Done in 0.1 s:', '  test1: locked'])
    const many = summarize([
      { kind: 'phase', phase: 'activate', status: 'start' },
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((service): ProgressEvent => ({ kind: 'step', target: 't', step: 'activate', service, status: 'done' })),
    ])
    expect(summaryLines(many, 'interrupted', 100)).toEqual(['Interrupted after 0.1 s:', '  t: activated a, b, c, d and 3 more'])
  })
})
