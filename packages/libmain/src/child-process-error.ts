import { ChildProcessError } from './disnix-error.js'
import type { ErrorCode } from './error-codes.js'
import { redact } from './redact.js'

/** How many trailing lines of a failed child's stderr a message carries (as colmena does). */
export const FAILURE_CONTEXT_LINES = 20

/** How a child process ended, when it did not succeed. */
export interface ChildOutcome {
  /** Its exit status, when it exited. */
  exitStatus?: number
  /** The signal that killed it. */
  signal?: string
  timedOut?: boolean
  /** Its caller cancelled it (an AbortSignal). */
  cancelled?: boolean
  /** The program could not be started: not found. */
  notFound?: boolean
  /** Its stderr, when it was kept rather than passed on: the message carries the last lines. */
  stderr?: string
  /**
   * Its stderr, when it was passed on (shown already): not repeated in the message, but its last
   * lines are kept in the error's `stderrTail`, so that a caller can tell why it failed.
   */
  shownStderr?: string
}

/** What the failed child was doing, as the message names it. */
export interface ChildContext {
  /** What it did: "import closure", "dysnomia-snapshots --gc". */
  step: string
  /** The target it worked for; the message then starts with `[target: T]: `. */
  target?: string
  /**
   * The program as the user knows it (`disnix-ssh-client`): the status then names it
   * (`disnix-ssh-client: exit status 3`), and a missing program is called by this name.
   */
  program?: string
  /** How a missing program is described: `client interface X` (default: the program). */
  programKind?: string
  /** runCommand words its failures `<step>: failed (…)`; everything else `<step> failed (…)`. */
  colon?: boolean
  /** Error codes for a failure, a cancellation and a missing program (default COMMAND_*). */
  codes?: { failed?: ErrorCode; cancelled?: ErrorCode; notFound?: ErrorCode }
  /** What to do about a missing program. */
  notFoundHint?: string
  /** Values that must never appear in the message. */
  secrets?: readonly string[]
  cause?: unknown
}

/**
 * The one way a failed child process becomes an error: a ChildProcessError that names the target, the
 * step and how the child ended, followed by the last lines of its stderr (when they were kept), with
 * secrets redacted. It carries the child's exit status, so that a tool can end with it.
 */
export function childProcessError(outcome: ChildOutcome, context: ChildContext): ChildProcessError {
  const secrets = context.secrets ?? []
  const prefix = context.target === undefined ? '' : `[target: ${context.target}]: `
  const data = { exitStatus: outcome.exitStatus, signal: outcome.signal, target: context.target, step: context.step, cause: context.cause }
  if (outcome.notFound) {
    const what = context.programKind ?? context.program ?? 'the program'
    const message = redact(`${prefix}${context.step}: cannot execute ${what}: not found`, secrets)
    return new ChildProcessError(context.codes?.notFound ?? 'COMMAND_NOT_FOUND', message, { ...data, hint: context.notFoundHint })
  }
  const status = outcome.cancelled
    ? 'cancelled'
    : outcome.timedOut
      ? 'timed out'
      : outcome.signal !== undefined
        ? `killed by ${outcome.signal}`
        : `exit status ${outcome.exitStatus ?? 'unknown'}`
  const tail = redact(lastLines(outcome.stderr ?? '', FAILURE_CONTEXT_LINES), secrets)
  const how = context.program === undefined ? status : `${context.program}: ${status}`
  const message = redact(`${prefix}${context.step}${context.colon ? ':' : ''} failed (${how})`, secrets) + (tail ? `\n${tail}` : '')
  const code = outcome.cancelled ? (context.codes?.cancelled ?? context.codes?.failed ?? 'COMMAND_FAILED') : (context.codes?.failed ?? 'COMMAND_FAILED')
  const shown = outcome.shownStderr === undefined ? '' : redact(lastLines(outcome.shownStderr, FAILURE_CONTEXT_LINES), secrets)
  return new ChildProcessError(code, message, { ...data, stderrTail: tail || shown || undefined })
}

/**
 * How an execa child ended (its error, or its result with `reject: false`). Loading execa is not
 * needed: the fields are read by name.
 */
export function execaOutcome(result: unknown, stderr?: string): ChildOutcome {
  const r = result as {
    code?: string
    exitCode?: number
    signal?: string
    timedOut?: boolean
    isCanceled?: boolean
    isTerminated?: boolean
    stderr?: unknown
  }
  return {
    exitStatus: r.exitCode,
    signal: r.signal ?? (r.isTerminated && r.exitCode === undefined ? 'a signal' : undefined),
    timedOut: r.timedOut === true,
    cancelled: r.isCanceled === true,
    notFound: r.code === 'ENOENT',
    stderr: stderr ?? (typeof r.stderr === 'string' ? r.stderr : undefined),
  }
}

/**
 * `error instanceof ExecaError` without loading execa: its error class (and only that class, not
 * ExecaSyncError) is named `ExecaError` on its prototype.
 */
export function isExecaError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExecaError'
}

export function lastLines(text: string, count: number): string {
  const lines = text.replace(/\n+$/, '').split('\n')
  return lines.slice(-count).join('\n')
}
