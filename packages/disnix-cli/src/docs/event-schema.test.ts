import { PassThrough } from 'node:stream'
import { createProgressReporter, DisnixError } from '@disnix-ts/libmain'
import { describe, expect, test } from 'vitest'
import { documentedEventSchema, eventProblems } from './event-schema.js'

const schema = await documentedEventSchema()

/** The JSON lines a reporter writes for `events`, closed with `outcome`. */
function stream(feed: (sink: ReturnType<typeof createProgressReporter>['sink']) => void, outcome: Parameters<ReturnType<typeof createProgressReporter>['close']>[0]) {
  const out = new PassThrough()
  let text = ''
  out.on('data', (chunk: Buffer) => (text += chunk.toString()))
  let clock = 1_000
  const reporter = createProgressReporter({ tool: 'disnix-env', stream: out, format: 'json', now: () => (clock += 5) })
  feed(reporter.sink)
  reporter.close(outcome)
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
}

describe('the event stream schema of docs/formats.md', () => {
  test('documents every kind and field the reporter writes, failures and rollbacks included', () => {
    const events = stream(
      (sink) => {
        sink({ kind: 'message', text: 'Acquiring locks...' })
        sink({ kind: 'message', target: 'test1', text: 'Notifying lock on profile: default' })
        sink({ kind: 'phase', phase: 'distribute', status: 'start', text: 'Distributing intra-dependency closures...' })
        sink({ kind: 'transfer', target: 'test1', what: 'closure', bytes: 10 })
        sink({ kind: 'transfer', target: 'test1', what: 'closure', bytes: 2048, done: true })
        sink({ kind: 'phase', phase: 'distribute', status: 'done' })
        sink({ kind: 'phase', phase: 'activate', status: 'start' })
        sink({ kind: 'expect', target: 'test1', step: 'activate', total: 2 })
        sink({ kind: 'step', target: 'test1', step: 'activate', status: 'start', service: 'db', key: 'k1', container: 'process', text: 'Activating service: db' })
        sink({ kind: 'step', target: 'test1', step: 'activate', status: 'done', service: 'db', key: 'k1', container: 'process' })
        sink({ kind: 'step', target: 'test1', step: 'activate', status: 'start', service: 'web', key: 'k2', container: 'process' })
        sink({ kind: 'step', target: 'test1', step: 'activate', status: 'failed', service: 'web', key: 'k2', container: 'process', error: { reason: 'web refuses to start', code: 'TRANSITION_FAILED', hint: 'see the log' } })
        sink({ kind: 'step', target: 'test1', step: 'deactivate', status: 'start', service: 'db', key: 'k1', rollback: true })
        sink({ kind: 'step', target: 'test1', step: 'deactivate', status: 'done', service: 'db', key: 'k1', rollback: true, bytes: 0 })
        sink({ kind: 'step', target: 'test1', step: 'restore', status: 'skipped', service: 'db' })
        sink({ kind: 'phase', phase: 'activate', status: 'failed' })
      },
      { exitStatus: 1, error: new DisnixError('TRANSITION_FAILED', 'Activation failed of service: web', { hint: 'run it again' }) },
    )
    expect(events.map((e) => e.event)).toEqual([
      'run-start', 'message', 'message', 'phase-start', 'transfer', 'phase-end', 'phase-start', 'step-start', 'step-end',
      'step-start', 'step-end', 'step-start', 'step-end', 'step-end', 'phase-end', 'run-end',
    ])
    expect(events.flatMap((event) => eventProblems(schema, event))).toEqual([])
    expect(events.at(-1)).toMatchObject({ status: 'failed', exitStatus: 1, error: { reason: 'Activation failed of service: web', code: 'TRANSITION_FAILED', hint: 'run it again' } })
  })

  test('reports what the documentation does not allow', () => {
    const base = { v: 1, time: '2026-12-05T12:00:00.000Z', tool: 'disnix-env' }
    expect(eventProblems(schema, { ...base, event: 'phase-end', phase: 'activate', status: 'done', durationMs: 3 })).toEqual([])
    expect(eventProblems(schema, { ...base, event: 'phase-end', phase: 'activate', status: 'ok', durationMs: 3 })).toEqual(['phase-end.status: "ok" is not one of done, failed'])
    expect(eventProblems(schema, { ...base, event: 'phase-end', phase: 'activate', status: 'done' })).toEqual(['phase-end: missing durationMs'])
    expect(eventProblems(schema, { ...base, event: 'phase-end', phase: 'activate', status: 'done', durationMs: 3, extra: 1 })).toEqual(['phase-end: undocumented field extra'])
    expect(eventProblems(schema, { ...base, time: 'yesterday', event: 'message', message: 'x' })).toEqual(['message.time: not an ISO 8601 UTC time: "yesterday"'])
    expect(eventProblems(schema, { ...base, event: 'step-end', target: 't', operation: 'activate', status: 'failed', error: { why: 'x' } })).toHaveLength(1)
    expect(eventProblems(schema, { ...base, event: 'progress' })).toEqual(['undocumented event kind: progress'])
  })
})
