import type { ErrorCode } from './error-codes.js'

/** Options of a {@link DisnixError} besides its code and message. */
export interface DisnixErrorOptions {
  /** The command that retries or recovers, printed after the message. */
  hint?: string
  cause?: unknown
  /** @deprecated exit statuses belong in the tool's definition; read only by the legacy runner */
  exitCode?: number
}

/**
 * A failure the user can act on: a bad model, an unreachable target, a failing module. Its message
 * names the file, target, service or step; its code says what kind of failure it is. Libraries throw
 * it; only the tool runner prints it and chooses the exit status (from the tool's definition).
 * Anything that is not a DisnixError is a bug and is printed with its stack.
 */
export class DisnixError extends Error {
  readonly code: ErrorCode
  readonly hint?: string
  /** @deprecated see DisnixErrorOptions.exitCode */
  readonly exitCode?: number

  constructor(code: ErrorCode, message: string, options: DisnixErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DisnixError'
    this.code = code
    this.hint = options.hint
    this.exitCode = options.exitCode
  }
}

export interface ChildProcessErrorOptions extends DisnixErrorOptions {
  /** The child's exit status, when it exited (rather than being killed or never started). */
  exitStatus?: number
  /** The signal that killed it. */
  signal?: string
  /** The target it worked for. */
  target?: string
  /** What it was doing. */
  step?: string
  /** The last lines of its stderr, when they were kept (they are also in the message). */
  stderrTail?: string
}

/**
 * A child process (a Nix command, a client interface, a Dysnomia module, a remote command) that
 * failed. It keeps the child's exit status, so that a tool whose definition says so can end with the
 * child's own status (as `disnix-run-activity` and `disnix-ssh-client` do).
 */
export class ChildProcessError extends DisnixError {
  readonly exitStatus?: number
  readonly signal?: string
  readonly target?: string
  readonly step?: string
  readonly stderrTail?: string

  constructor(code: ErrorCode, message: string, options: ChildProcessErrorOptions = {}) {
    super(code, message, options)
    this.name = 'ChildProcessError'
    this.exitStatus = options.exitStatus
    this.signal = options.signal
    this.target = options.target
    this.step = options.step
    this.stderrTail = options.stderrTail
  }
}

export function isDisnixError(error: unknown): error is DisnixError {
  return error instanceof DisnixError
}

/** True for a DisnixError of one of the given codes. */
export function isErrorCode(error: unknown, ...codes: readonly ErrorCode[]): error is DisnixError {
  return error instanceof DisnixError && codes.includes(error.code)
}

/** True for a Node.js system error with the given code (`ENOENT`, `EEXIST`, ...). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code
}
