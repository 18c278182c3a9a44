import type { Writable } from 'node:stream'
import { formatBytes, plainLine, plainProgress, type ProgressEvent, type ProgressSink, type StepEvent } from './progress.js'

export interface ProgressRenderer {
  sink: ProgressSink
  /** Stops redrawing. `keepBlock` leaves the final per-target block on screen; otherwise it is erased. */
  close(options?: { keepBlock?: boolean }): void
}

export type ProgressStream = Writable & { isTTY?: boolean; columns?: number }

export interface ProgressRendererOptions {
  stream: ProgressStream
  /** Plain lines even on a terminal (`--verbose`, or a tool that streams child output). */
  plain?: boolean
  /** Minimum time between redraws of the live view. */
  intervalMs?: number
}

interface TargetState {
  /** Steps running now: step → service labels (or '' for a step without service). */
  running: Map<string, string[]>
  /** The last step that finished (shown while nothing runs). */
  last?: string
  done: Map<string, number>
  total: Map<string, number>
  bytes: number
  /** Bytes of transfers in progress, by what is transferred. */
  transferring: Map<string, number>
  failed: number
}

/** What a running step is called on a target's row. */
const RUNNING: Record<string, string> = {
  distribute: 'receiving the closure',
  lock: 'locking',
  unlock: 'unlocking',
  activate: 'activating',
  deactivate: 'deactivating',
  snapshot: 'snapshotting',
  restore: 'restoring',
  'delete-state': 'deleting the state of',
  retrieve: 'retrieving snapshots of',
  send: 'sending snapshots of',
  'set profile': 'setting the profile',
  'collect garbage': 'collecting garbage',
  'clean-snapshots': 'cleaning snapshots',
}

/** What a finished step is called, as the count of a step with a known total (`activated 3/5`). */
const FINISHED: Record<string, string> = {
  distribute: 'closure received',
  lock: 'locked',
  unlock: 'unlocked',
  activate: 'activated',
  deactivate: 'deactivated',
  snapshot: 'snapshotted',
  restore: 'restored',
  'delete-state': 'state deleted',
  retrieve: 'snapshots retrieved',
  send: 'snapshots sent',
  'set profile': 'profile set',
  'collect garbage': 'garbage collected',
  'clean-snapshots': 'snapshots cleaned',
}

/**
 * Renders progress events: on a terminal, the lines of the plain output that are not about one
 * step (the coordinator's lines, failures, target messages) scroll as they come, and below them a
 * block with one row per target (what runs now, done/total per step, bytes) is redrawn in place;
 * otherwise the original's plain prefixed lines. A line, once written, is never erased or written
 * again: only the block is.
 */
export function createProgressRenderer(options: ProgressRendererOptions): ProgressRenderer {
  const { stream } = options
  if (options.plain || !stream.isTTY) return { sink: plainProgress(stream), close: () => {} }

  const targets = new Map<string, TargetState>()
  /** The block's rows as drawn, to know how many terminal rows to erase. */
  let drawn: string[] = []
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const state = (target: string): TargetState => {
    let s = targets.get(target)
    if (!s) {
      s = { running: new Map(), done: new Map(), total: new Map(), bytes: 0, transferring: new Map(), failed: 0 }
      targets.set(target, s)
    }
    return s
  }

  // "\r" first: the cursor may not be in column 1 (the terminal echoes "^C" where it stands), and
  // moving up keeps the column, which would leave the start of a row behind.
  const erase = () => {
    const rows = terminalRows(drawn, stream.columns)
    if (rows > 0) stream.write(`\r\x1b[${rows}A\x1b[0J`)
    else stream.write('\r\x1b[0J')
    drawn = []
  }

  const draw = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    const width = Math.max(40, (stream.columns || 100) - 1)
    const rows = [...targets.entries()].map(([name, s]) => fit(describe(name, s), width))
    erase()
    if (rows.length > 0) stream.write(`${rows.join('\n')}\n`)
    drawn = rows
  }

  const schedule = () => {
    if (!closed && timer === undefined) timer = setTimeout(draw, options.intervalMs ?? 80)
  }

  /** Writes lines above the block: erase it, write, draw it again at once (no flicker of a missing block). */
  const writeAbove = (text: string) => {
    erase()
    stream.write(`${text}\n`)
    if (targets.size > 0) draw()
  }

  const sink: ProgressSink = (event: ProgressEvent) => {
    if (closed) return
    switch (event.kind) {
      case 'message':
      case 'phase': {
        const line = plainLine(event)
        if (line !== undefined) writeAbove(line)
        return
      }
      case 'expect':
        state(event.target).total.set(event.step, event.total)
        break
      case 'step':
        if (onStep(state(event.target), event)) {
          const line = plainLine(event)
          if (line !== undefined) return writeAbove(line)
        }
        break
      case 'transfer': {
        const s = state(event.target)
        if (event.done) {
          s.transferring.delete(event.what)
          s.bytes += event.bytes
        } else s.transferring.set(event.what, event.bytes)
        break
      }
    }
    schedule()
  }

  return {
    sink,
    close(closeOptions = {}) {
      if (closed) return
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      if (closeOptions.keepBlock) draw()
      else erase()
      closed = true
    },
  }
}

/** Updates a target's state with a step event; true when the event is a line of its own (a failure, a skip). */
function onStep(s: TargetState, event: StepEvent): boolean {
  const label = event.service ?? ''
  if (event.status === 'start') {
    s.running.set(event.step, [...(s.running.get(event.step) ?? []), label])
    return false
  }
  const running = s.running.get(event.step) ?? []
  const at = running.indexOf(label)
  if (at >= 0) running.splice(at, 1)
  if (running.length === 0) s.running.delete(event.step)
  if (event.status === 'done' || event.status === 'skipped') {
    if (!event.rollback) s.done.set(event.step, (s.done.get(event.step) ?? 0) + 1)
    s.bytes += event.bytes ?? 0
    s.last = event.step
    return event.status === 'skipped'
  }
  s.failed++
  return true
}

function describe(name: string, s: TargetState): string {
  const parts: string[] = []
  const running = [...s.running.entries()].map(([step, labels]) => {
    const names = labels.filter((label) => label !== '')
    return names.length === 0 ? (RUNNING[step] ?? step) : `${RUNNING[step] ?? step} ${names.join(', ')}`
  })
  for (const [what, bytes] of s.transferring) running.push(`${what} ${formatBytes(bytes)}`)
  if (running.length > 0) parts.push(running.join(', '))
  const counts = [...s.total.entries()].map(([step, total]) => `${FINISHED[step] ?? step} ${s.done.get(step) ?? 0}/${total}`)
  if (counts.length > 0) parts.push(counts.join(', '))
  else if (running.length === 0 && s.last !== undefined) parts.push(FINISHED[s.last] ?? `${s.last} done`)
  if (s.bytes > 0) parts.push(`${formatBytes(s.bytes)} transferred`)
  if (s.failed > 0) parts.push(`${s.failed} failed`)
  if (parts.length === 0) parts.push('waiting')
  return `[target: ${name}]: ${parts.join('; ')}`
}

function fit(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`
}

/** The terminal rows that lines take at the current width (a terminal that got narrower wraps them). */
function terminalRows(lines: readonly string[], columns: number | undefined): number {
  const width = Math.max(1, columns || 100)
  return lines.reduce((rows, line) => rows + Math.max(1, Math.ceil(line.length / width)), 0)
}
