import type { Writable } from 'node:stream'
import { DisnixError } from './disnix-error.js'

/**
 * Structured progress reported by libraries (they never print). A session renders these: the
 * original's plain prefixed lines (`[coordinator]: ...`, `[target: test1]: ...`), a live per-target
 * view on a terminal, or one JSON object per line (`--log-format json`); and it sums them up at the
 * end of a run (what was activated, deactivated, migrated and transferred per target).
 */
export type ProgressEvent = MessageEvent | PhaseEvent | StepEvent | TransferEvent | ExpectEvent

/** A line of the original's output that belongs to no step: `[coordinator]: Acquiring locks...`. */
export interface MessageEvent {
  kind: 'message'
  target?: string
  text: string
}

/**
 * One phase of a coordinator run (distribute, lock, activate, migrate, set profiles, unlock, ...):
 * its start carries the original's announcement (`Distributing intra-dependency closures...`).
 */
export interface PhaseEvent {
  kind: 'phase'
  phase: string
  status: 'start' | 'done' | 'failed'
  text?: string
}

export type StepStatus = 'start' | 'done' | 'failed' | 'skipped'

/** One operation on one target, usually on one service: its start, and how it ended. */
export interface StepEvent {
  kind: 'step'
  target: string
  /** The operation: distribute, lock, activate, deactivate, snapshot, restore, set profile, ... */
  step: string
  status: StepStatus
  /** The service's name (with its key where two services share the name). */
  service?: string
  /** The service's key, when the step is about a service mapping. */
  key?: string
  container?: string
  /** Part of the rollback after a failed transition. */
  rollback?: boolean
  /** The original's line for this event, printed as it is in the plain output. */
  text?: string
  /** Bytes this step sent or received (a closure, snapshots), reported when it is done. */
  bytes?: number
  /** Why a failed step failed. */
  error?: ProgressError
}

/** A transfer in progress (`done` unset) or finished; bytes so far, and the total when known. */
export interface TransferEvent {
  kind: 'transfer'
  target: string
  what: string
  bytes: number
  totalBytes?: number
  done?: boolean
}

/** Announces how many units of a step a target will do, so a live view can show done/total. */
export interface ExpectEvent {
  kind: 'expect'
  target: string
  step: string
  total: number
}

/** The reason of a failure as the progress stream carries it: one message, and the error code and hint when known. */
export interface ProgressError {
  reason: string
  code?: string
  hint?: string
}

export type ProgressSink = (event: ProgressEvent) => void

/** A sink that drops everything (for library callers that want quiet). */
export const silentProgress: ProgressSink = () => {}

/** The reason of an error for a progress event: its message (no stack), its code and hint when it has them. */
export function progressError(error: unknown): ProgressError {
  if (error instanceof DisnixError) return { reason: error.message, code: error.code, ...(error.hint ? { hint: error.hint } : {}) }
  return { reason: error instanceof Error ? error.message : String(error) }
}

/** `[coordinator]: TEXT`, every line of a multi-line text prefixed. */
export function coordinatorLine(text: string): string {
  return prefixEveryLine('[coordinator]: ', text)
}

/** `[target: NAME]: TEXT`, every line of a multi-line text prefixed (a module's stderr included). */
export function targetLine(target: string, text: string): string {
  return prefixEveryLine(`[target: ${target}]: `, text)
}

function prefixEveryLine(prefix: string, text: string): string {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    // A line that already names its origin (an interface's error message) keeps one prefix.
    .map((line) => (line.startsWith(prefix) ? line : `${prefix}${line}`))
    .join('\n')
}

/** The original's plain lines, one per event that has text; transfers print when they finish. */
export function plainProgress(stream: Writable): ProgressSink {
  return (event) => {
    const line = plainLine(event)
    if (line !== undefined) stream.write(`${line}\n`)
  }
}

/** The plain output of an event (possibly several lines, without the final newline), or undefined. */
export function plainLine(event: ProgressEvent): string | undefined {
  switch (event.kind) {
    case 'message':
      return event.target === undefined ? coordinatorLine(event.text) : targetLine(event.target, event.text)
    case 'phase':
      return event.status === 'start' && event.text !== undefined ? coordinatorLine(event.text) : undefined
    case 'step': {
      const text = [event.text, event.status === 'failed' ? event.error?.reason : undefined].filter((t) => t !== undefined && t !== '')
      return text.length === 0 ? undefined : targetLine(event.target, text.join('\n'))
    }
    case 'transfer':
      return event.done ? targetLine(event.target, `${event.what}: ${formatBytes(event.bytes)} transferred`) : undefined
    case 'expect':
      return undefined
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** A duration for people: `0.4 s`, `12.3 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
}

/**
 * Runs one phase of a run (distribute, activate, migrate, ...) between its start and end events; the
 * end says `failed` when `fn` throws or `failed(result)` says so.
 */
export async function withPhase<T>(progress: ProgressSink, phase: string, fn: () => Promise<T>, failed?: (result: T) => boolean): Promise<T> {
  progress({ kind: 'phase', phase, status: 'start' })
  try {
    const result = await fn()
    progress({ kind: 'phase', phase, status: failed?.(result) ? 'failed' : 'done' })
    return result
  } catch (error) {
    progress({ kind: 'phase', phase, status: 'failed' })
    throw error
  }
}
