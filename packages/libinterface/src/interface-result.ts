import { OPERATIONS, type InterfaceRequest, type ResultKind } from './operations.js'

/** What a health check found (the `check` operation): as Dysnomia's `--operation check` reports it. */
export interface CheckOutcome {
  status: 'healthy' | 'failing' | 'unknown'
  /** One line. */
  reason: string
}

interface ResultValues {
  none: void
  lines: string[]
  text: string
  file: string
  dirs: string[]
  status: number
  check: CheckOutcome
}

/** The typed result of a request: what its operation's output means (spec §3.1). */
export type InterfaceResult<R extends InterfaceRequest> = ResultValues[(typeof OPERATIONS)[R['op']]['result']]

/**
 * An operation's result from the interface's stdout: lines split on newlines (the empty trailing
 * element dropped), a text as it is, a file path without its newline (spec §3.1).
 */
export function parseResult(kind: Exclude<ResultKind, 'status'>, stdout: string): string[] | string | CheckOutcome | undefined {
  switch (kind) {
    case 'none':
      return undefined
    case 'lines':
    case 'dirs':
      return outputLines(stdout)
    case 'text':
      return stdout
    case 'file':
      return stdout.replace(/\n$/, '')
    case 'check':
      return parseCheckOutcome(stdout)
  }
}

/**
 * The last non-empty line of a check's output, `STATUS: REASON`. Output that is not of this form (an
 * interface that prints something else) is a failing check whose reason is that output.
 */
export function parseCheckOutcome(stdout: string): CheckOutcome {
  const line = outputLines(stdout).map((l) => l.trim()).filter((l) => l !== '').at(-1) ?? ''
  const match = /^(healthy|failing|unknown):\s?(.*)$/.exec(line)
  if (match === null) return { status: 'failing', reason: line === '' ? 'the check printed no result' : `unexpected check output: ${line}` }
  return { status: match[1] as CheckOutcome['status'], reason: match[2] as string }
}

/** How a check outcome is printed: the line {@link parseCheckOutcome} reads. */
export function formatCheckOutcome(outcome: CheckOutcome): string {
  return `${outcome.status}: ${outcome.reason}\n`
}

/** stdout split on newlines, the empty trailing element dropped (spec §3.1). */
export function outputLines(stdout: string): string[] {
  const lines = stdout.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}
