import type { Writable } from 'node:stream'

/**
 * Structured progress reported by libraries (they never print). Tools render these: plain prefixed
 * lines (`[coordinator]: ...`, `[target: test1]: ...`) when stderr is not a terminal, a live
 * per-target view when it is.
 */
export type ProgressEvent =
  | { kind: 'message'; target?: string; text: string }
  | {
      kind: 'step'
      target: string
      service?: string
      step: string
      status: 'start' | 'done' | 'failed' | 'skipped'
      text?: string
    }
  | { kind: 'transfer'; target: string; what: string; bytes: number; totalBytes?: number; done?: boolean }
  /** Announces how many units of a step a target will do, so a live view can show done/total. */
  | { kind: 'expect'; target: string; step: string; total: number }

export type ProgressSink = (event: ProgressEvent) => void

/** A sink that drops everything (for library callers that want quiet). */
export const silentProgress: ProgressSink = () => {}

export function coordinatorLine(text: string): string {
  return `[coordinator]: ${text}`
}

export function targetLine(target: string, text: string): string {
  return `[target: ${target}]: ${text}`
}

/** The original's plain lines, one per event that has text; transfers print when they finish. */
export function plainProgress(stream: Writable): ProgressSink {
  return (event) => {
    const line = plainLine(event)
    if (line !== undefined) stream.write(`${line}\n`)
  }
}

export function plainLine(event: ProgressEvent): string | undefined {
  switch (event.kind) {
    case 'message':
      return event.target === undefined ? coordinatorLine(event.text) : targetLine(event.target, event.text)
    case 'step':
      return event.text === undefined ? undefined : targetLine(event.target, event.text)
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
