import { DisnixError, isErrorCode } from './disnix-error.js'
import { EVENT_STREAM_VERSION, jsonEventOf, jsonTargets, type JsonEvent, type JsonEventBase } from './json-progress.js'
import { createProgressRenderer, type ProgressRenderer, type ProgressStream } from './live-progress.js'
import { coordinatorLine, progressError, type ProgressEvent, type ProgressSink } from './progress.js'
import { addToSummary, emptyRunSummary, nothingToDo, summaryLines, type RunStatus, type RunSummary } from './run-summary.js'
import type { RunOutcome } from './tool-definition.js'
import { VERSION } from './version.js'

export type LogFormat = 'human' | 'json'

export interface ProgressReporterOptions {
  /** The tool whose run this is (named in every JSON event). */
  tool: string
  stream: ProgressStream
  /** human: the original's lines (a live view on a terminal); json: one JSON object per line. */
  format: LogFormat
  /** Plain lines even on a terminal (--verbose). */
  plain?: boolean
  /** The clock (milliseconds); tests pass their own. */
  now?: () => number
  intervalMs?: number
}

export interface ProgressReporter {
  sink: ProgressSink
  /** True when nothing but the reporter may write to the stream while it runs (a live view, JSON). */
  exclusive: boolean
  /** What the run's events add up to so far. */
  summary: RunSummary
  /**
   * Ends the run: the live view's last state, then the summary (when the run had phases), or the
   * JSON stream's `run-end` event. True when the outcome's error went into the stream (JSON), so
   * that the runner does not print it again.
   */
  close(outcome: RunOutcome): boolean
}

/**
 * The one place where a coordinator run's progress events are rendered: it times steps and phases,
 * sums the events up per target, and writes them as the original's lines, as a live view, or as the
 * JSON event stream. The summary at the end and the JSON stream come from the same events.
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const now = options.now ?? Date.now
  const started = now()
  const summary = emptyRunSummary()
  const startTimes = new Map<string, number>()
  const json = options.format === 'json'
  const renderer: ProgressRenderer | undefined = json ? undefined : createProgressRenderer({ stream: options.stream, plain: options.plain, intervalMs: options.intervalMs })
  let closed = false

  const base = (at: number): JsonEventBase => ({ v: EVENT_STREAM_VERSION, time: new Date(at).toISOString(), tool: options.tool })
  const writeJson = (event: JsonEvent) => void options.stream.write(`${JSON.stringify(event)}\n`)
  if (json) writeJson({ ...base(started), event: 'run-start', version: VERSION })

  const sink: ProgressSink = (event: ProgressEvent) => {
    if (closed) return
    const at = now()
    const durationMs = timing(event, startTimes, at)
    addToSummary(summary, event)
    if (renderer) return renderer.sink(event)
    const line = jsonEventOf(base(at), event, durationMs)
    if (line) writeJson(line)
  }

  return {
    sink,
    exclusive: json || (!options.plain && options.stream.isTTY === true),
    summary,
    close(outcome) {
      if (closed) return false
      closed = true
      const status = runStatus(outcome)
      const ended = now()
      const elapsed = ended - started
      if (renderer) {
        const lines = summary.phases.length > 0 ? summaryLines(summary, status, elapsed) : []
        renderer.close({ keepBlock: lines.length === 0 })
        for (const line of lines) options.stream.write(`${coordinatorLine(line)}\n`)
        return false
      }
      const error = outcome.error === undefined ? undefined : outcome.error instanceof DisnixError ? progressError(outcome.error) : { reason: (outcome.errorText ?? String(outcome.error)).trim() }
      writeJson({
        ...base(ended),
        event: 'run-end',
        status,
        exitStatus: outcome.exitStatus,
        durationMs: elapsed,
        nothingToDo: nothingToDo(summary, status),
        targets: jsonTargets(summary),
        ...(error === undefined ? {} : { error }),
      })
      return outcome.error !== undefined
    },
  }
}

function runStatus(outcome: RunOutcome): RunStatus {
  if (isErrorCode(outcome.error, 'INTERRUPTED')) return 'interrupted'
  return outcome.error === undefined && outcome.exitStatus === 0 ? 'success' : 'failed'
}

/** Remembers when steps, phases and transfers started; returns the duration of one that ends. */
function timing(event: ProgressEvent, starts: Map<string, number>, at: number): number | undefined {
  const key =
    event.kind === 'step'
      ? `step\0${event.target}\0${event.step}\0${event.key ?? event.service ?? ''}\0${event.container ?? ''}\0${event.rollback ? 'r' : ''}`
      : event.kind === 'phase'
        ? `phase\0${event.phase}`
        : event.kind === 'transfer'
          ? `transfer\0${event.target}\0${event.what}`
          : undefined
  if (key === undefined) return undefined
  const starting = event.kind === 'transfer' ? !event.done : event.kind === 'step' || event.kind === 'phase' ? event.status === 'start' : false
  if (starting) {
    if (!starts.has(key)) starts.set(key, at)
    return undefined
  }
  const start = starts.get(key)
  starts.delete(key)
  return start === undefined ? undefined : at - start
}
