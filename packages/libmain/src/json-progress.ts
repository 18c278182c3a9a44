import type { ProgressError, ProgressEvent } from './progress.js'
import type { RunStatus, RunSummary, TargetSummary } from './run-summary.js'

/**
 * The machine-readable event stream of `--log-format json` (docs/formats.md, "Event stream"): one
 * JSON object per line. Every object has `v` (the schema version), `time` (ISO 8601), `tool` and
 * `event`; the other fields depend on the event. New fields may be added within a version; a field
 * is never renamed or given another meaning without a new `v`.
 */
export const EVENT_STREAM_VERSION = 1

export type JsonEvent =
  | (JsonEventBase & { event: 'run-start'; version: string })
  | (JsonEventBase & { event: 'phase-start'; phase: string; message?: string })
  | (JsonEventBase & { event: 'phase-end'; phase: string; status: 'done' | 'failed'; durationMs?: number })
  | (JsonEventBase & StepFields & { event: 'step-start'; message?: string })
  | (JsonEventBase & StepFields & { event: 'step-end'; status: 'done' | 'failed' | 'skipped'; durationMs?: number; bytes?: number; error?: ProgressError; message?: string })
  | (JsonEventBase & { event: 'transfer'; target: string; what: string; bytes: number; durationMs?: number })
  | (JsonEventBase & { event: 'message'; target?: string; message: string })
  | (JsonEventBase & RunEndFields & { event: 'run-end' })

export interface JsonEventBase {
  v: typeof EVENT_STREAM_VERSION
  time: string
  tool: string
}

export interface StepFields {
  target: string
  operation: string
  service?: string
  key?: string
  container?: string
  rollback?: boolean
}

export interface RunEndFields {
  status: RunStatus
  exitStatus: number
  durationMs: number
  nothingToDo: boolean
  targets: Record<string, JsonTargetSummary>
  error?: ProgressError
}

/** Per target: the services each operation was done to (and undone by a rollback), failures, bytes. */
export interface JsonTargetSummary {
  done: Record<string, string[]>
  rolledBack: Record<string, string[]>
  failed: string[]
  bytes: number
}

/** The JSON event of a progress event (undefined for events that only serve the live view). */
export function jsonEventOf(base: JsonEventBase, event: ProgressEvent, durationMs: number | undefined): JsonEvent | undefined {
  switch (event.kind) {
    case 'message':
      return { ...base, event: 'message', ...(event.target === undefined ? {} : { target: event.target }), message: event.text }
    case 'phase':
      if (event.status === 'start') return { ...base, event: 'phase-start', phase: event.phase, ...optional('message', event.text) }
      return { ...base, event: 'phase-end', phase: event.phase, status: event.status, ...optional('durationMs', durationMs) }
    case 'step': {
      const fields: StepFields = {
        target: event.target,
        operation: event.step,
        ...optional('service', event.service),
        ...optional('key', event.key),
        ...optional('container', event.container),
        ...(event.rollback ? { rollback: true } : {}),
      }
      if (event.status === 'start') return { ...base, event: 'step-start', ...fields, ...optional('message', event.text) }
      return {
        ...base,
        event: 'step-end',
        ...fields,
        status: event.status,
        ...optional('durationMs', durationMs),
        ...optional('bytes', event.bytes),
        ...optional('error', event.status === 'failed' ? (event.error ?? (event.text === undefined ? undefined : { reason: event.text })) : undefined),
        ...optional('message', event.status === 'failed' ? undefined : event.text),
      }
    }
    case 'transfer':
      if (!event.done) return undefined
      return { ...base, event: 'transfer', target: event.target, what: event.what, bytes: event.bytes, ...optional('durationMs', durationMs) }
    case 'expect':
      return undefined
  }
}

export function jsonTargets(summary: RunSummary): Record<string, JsonTargetSummary> {
  const out: Record<string, JsonTargetSummary> = {}
  for (const [name, target] of Object.entries(summary.targets)) out[name] = jsonTarget(target)
  return out
}

function jsonTarget(target: TargetSummary): JsonTargetSummary {
  return { done: target.done, rolledBack: target.rolledBack, failed: target.failed, bytes: target.bytes }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
