import { DisnixError, type ErrorCode } from '@disnix-ts/libmain'

/** Exit status of a connection failure, as ssh uses it. */
export const SSH_FAILURE_EXIT = 255

/** `[target: X]: ` — every connection message names the target as the coordinator knows it. */
export function targetPrefix(params: { target: string }): string {
  return `[target: ${params.target}]: `
}

/** A failure reaching or talking to a target (exit 255, like ssh). */
export function targetError(params: { target: string }, code: ErrorCode, message: string, options: { hint?: string } = {}): DisnixError {
  return new DisnixError(code, `${targetPrefix(params)}${message}`, { hint: options.hint, exitCode: SSH_FAILURE_EXIT })
}
