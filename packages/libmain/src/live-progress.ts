import type { Writable } from 'node:stream'
import { coordinatorLine, formatBytes, plainLine, plainProgress, type ProgressEvent, type ProgressSink } from './progress.js'

export interface ProgressRenderer {
  sink: ProgressSink
  /** Draws the final state and stops redrawing. */
  close(): void
}

export interface ProgressRendererOptions {
  stream: Writable & { isTTY?: boolean; columns?: number }
  /** Plain lines even on a terminal (`--verbose`, or a tool that streams child output). */
  plain?: boolean
  /** Minimum time between redraws of the live view. */
  intervalMs?: number
}

interface TargetState {
  step: string
  current: string
  done: Map<string, number>
  total: Map<string, number>
  bytes: number
  failed: number
}

/**
 * Renders progress events: on a terminal a live block with one line per target (current step, services
 * done/total, bytes transferred) under the scrolling coordinator messages; otherwise the original's
 * plain prefixed lines.
 */
export function createProgressRenderer(options: ProgressRendererOptions): ProgressRenderer {
  const { stream } = options
  if (options.plain || !stream.isTTY) return { sink: plainProgress(stream), close: () => {} }

  const targets = new Map<string, TargetState>()
  let drawnLines = 0
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const state = (target: string): TargetState => {
    let s = targets.get(target)
    if (!s) {
      s = { step: '', current: '', done: new Map(), total: new Map(), bytes: 0, failed: 0 }
      targets.set(target, s)
    }
    return s
  }

  const erase = () => {
    if (drawnLines > 0) stream.write(`\x1b[${drawnLines}A\x1b[0J`)
    drawnLines = 0
  }

  const draw = () => {
    timer = undefined
    erase()
    const width = Math.max(40, (stream.columns ?? 100) - 1)
    const lines = [...targets.entries()].map(([name, s]) => fit(describe(name, s), width))
    if (lines.length > 0) stream.write(`${lines.join('\n')}\n`)
    drawnLines = lines.length
  }

  const schedule = () => {
    if (!closed && timer === undefined) timer = setTimeout(draw, options.intervalMs ?? 80)
  }

  const sink: ProgressSink = (event: ProgressEvent) => {
    if (closed) return
    switch (event.kind) {
      case 'message': {
        erase()
        stream.write(`${plainLine(event) ?? coordinatorLine(event.text)}\n`)
        break
      }
      case 'expect':
        state(event.target).total.set(event.step, event.total)
        break
      case 'step': {
        const s = state(event.target)
        s.step = event.step
        if (event.status === 'start') s.current = event.service ?? ''
        if (event.status === 'done' || event.status === 'skipped') s.done.set(event.step, (s.done.get(event.step) ?? 0) + 1)
        if (event.status === 'failed') {
          s.failed++
          erase()
          const line = plainLine(event)
          if (line !== undefined) stream.write(`${line}\n`)
        }
        break
      }
      case 'transfer': {
        const s = state(event.target)
        s.step = event.what
        s.bytes = event.bytes
        break
      }
    }
    schedule()
  }

  return {
    sink,
    close() {
      if (closed) return
      if (timer !== undefined) clearTimeout(timer)
      draw()
      closed = true
    },
  }
}

function describe(name: string, s: TargetState): string {
  const counts = [...s.total.entries()].map(([step, total]) => `${step} ${s.done.get(step) ?? 0}/${total}`)
  const parts = [`[target: ${name}]`, s.step || 'waiting']
  if (counts.length > 0) parts.push(counts.join(', '))
  if (s.bytes > 0) parts.push(formatBytes(s.bytes))
  if (s.failed > 0) parts.push(`${s.failed} failed`)
  if (s.current) parts.push(s.current)
  return parts.join('  ')
}

function fit(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`
}
