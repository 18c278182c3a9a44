/** Options of a {@link DisnixError} besides its code and message. */
export interface DisnixErrorOptions {
  /** The command that retries or recovers, printed after the message. */
  hint?: string
  /** The exit status the tool ends with (default 1). */
  exitCode?: number
  cause?: unknown
}

/**
 * A failure the user can act on: a bad model, an unreachable target, a failing module. Its message is
 * one line naming the file, target, service or step; `runTool` prints it and exits with `exitCode`.
 * Anything that is not a DisnixError is a bug and is printed with its stack.
 */
export class DisnixError extends Error {
  readonly code: string
  readonly hint?: string
  readonly exitCode: number

  constructor(code: string, message: string, options: DisnixErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DisnixError'
    this.code = code
    this.hint = options.hint
    this.exitCode = options.exitCode ?? 1
  }
}

export function isDisnixError(error: unknown): error is DisnixError {
  return error instanceof DisnixError
}

/** True for a Node.js system error with the given code (`ENOENT`, `EEXIST`, ...). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code
}
