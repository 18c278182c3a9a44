import { PassThrough } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { DisnixError } from './disnix-error.js'
import { createProgressReporter } from './progress-reporter.js'
import type { ProgressEvent } from './progress.js'

function capture(isTTY = false) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 120 })
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return { stream, text: () => text }
}

/** A clock that advances 10 ms every time it is read. */
function clock() {
  let t = Date.UTC(2027, 0, 1)
  return () => (t += 10)
}

const run: ProgressEvent[] = [
  { kind: 'phase', phase: 'activate', status: 'start', text: 'Activating new configuration...' },
  { kind: 'expect', target: 'test1', step: 'activate', total: 1 },
  { kind: 'step', target: 'test1', step: 'activate', service: 'hello', key: 'k1', container: 'process', status: 'start', text: 'Activating service with key: k1' },
  { kind: 'step', target: 'test1', step: 'activate', service: 'hello', key: 'k1', container: 'process', status: 'done' },
  { kind: 'transfer', target: 'test1', what: 'snapshot s', bytes: 0 },
  { kind: 'transfer', target: 'test1', what: 'snapshot s', bytes: 100, done: true },
  { kind: 'phase', phase: 'activate', status: 'done' },
]

describe('createProgressReporter', () => {
  test('json: one object per line, steps and phases with their durations, a run-end with the summary', () => {
    const out = capture()
    const reporter = createProgressReporter({ tool: 'disnix-deploy', stream: out.stream, format: 'json', now: clock() })
    for (const event of run) reporter.sink(event)
    expect(reporter.close({ exitStatus: 0 })).toBe(false)
    const lines = out.text().trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines.map((line) => line.event)).toEqual(['run-start', 'phase-start', 'step-start', 'step-end', 'transfer', 'phase-end', 'run-end'])
    for (const line of lines) expect(line).toMatchObject({ v: 1, tool: 'disnix-deploy', time: expect.stringMatching(/^2027-01-01T00:00:00\.\d{3}Z$/) })
    expect(lines[3]).toMatchObject({ target: 'test1', operation: 'activate', service: 'hello', key: 'k1', container: 'process', status: 'done', durationMs: 10 })
    expect(lines[4]).toMatchObject({ target: 'test1', what: 'snapshot s', bytes: 100, durationMs: 10 })
    expect(lines[5]).toMatchObject({ phase: 'activate', status: 'done', durationMs: 60 })
    expect(lines[6]).toMatchObject({
      status: 'success',
      exitStatus: 0,
      nothingToDo: false,
      targets: { test1: { done: { activate: ['hello'] }, rolledBack: {}, failed: [], bytes: 100 } },
    })
  })

  test('json: an error goes into run-end with its code and hint, and the runner need not print it', () => {
    const out = capture()
    const reporter = createProgressReporter({ tool: 'disnix-deploy', stream: out.stream, format: 'json', now: clock() })
    reporter.sink({ kind: 'step', target: 't', step: 'lock', status: 'failed', error: { reason: 'refused' } })
    const error = new DisnixError('LOCK_FAILED', 'Cannot lock profile: default on: t', { hint: 'disnix-lock --unlock' })
    expect(reporter.close({ exitStatus: 1, error, errorText: 'x' })).toBe(true)
    const end = JSON.parse(out.text().trimEnd().split('\n').at(-1)!)
    expect(end).toMatchObject({ event: 'run-end', status: 'failed', exitStatus: 1, error: { code: 'LOCK_FAILED', reason: 'Cannot lock profile: default on: t', hint: 'disnix-lock --unlock' } })
    expect(out.text()).toContain('"event":"step-end","target":"t","operation":"lock","status":"failed","error":{"reason":"refused"}')
  })

  test('human: the original lines, then the summary with the coordinator prefix', () => {
    const out = capture()
    const reporter = createProgressReporter({ tool: 'disnix-deploy', stream: out.stream, format: 'human', now: clock() })
    for (const event of run) reporter.sink(event)
    expect(reporter.close({ exitStatus: 0 })).toBe(false)
    expect(out.text()).toBe(
      [
        '[coordinator]: Activating new configuration...',
        '[target: test1]: Activating service with key: k1',
        '[target: test1]: snapshot s: 100 B transferred',
        '[coordinator]: Done in 0.1 s:',
        '[coordinator]:   test1: activated hello; 100 B transferred',
        '',
      ].join('\n'),
    )
  })

  test('human: a run without phases (a query) ends without a summary', () => {
    const out = capture()
    const reporter = createProgressReporter({ tool: 'disnix-query', stream: out.stream, format: 'human' })
    reporter.sink({ kind: 'message', text: 'Using previous manifest: /m' })
    reporter.close({ exitStatus: 0 })
    expect(out.text()).toBe('[coordinator]: Using previous manifest: /m\n')
  })
})
