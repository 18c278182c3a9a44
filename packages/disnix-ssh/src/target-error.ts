import { DisnixError, type ErrorCode } from '@disnix-ts/libmain'

/** Exit status of a connection failure, as ssh uses it. */
export const SSH_FAILURE_EXIT = 255

/** The failures of reaching or talking to a target: disnix-ssh-client ends with 255 for them, as ssh does. */
export const CONNECTION_FAILURES: readonly ErrorCode[] = [
  'TARGET_UNREACHABLE',
  'TARGET_UNKNOWN_HOST',
  'CONNECTION_LOST',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'HOST_KEY_REVOKED',
  'SSH_AUTH_FAILED',
  'SSH_CONNECT_FAILED',
  'SSH_EXEC_FAILED',
  'SSH_MASTER_FAILED',
  'REMOTE_OUTPUT_MISSING',
]

/** `[target: X]: ` — every connection message names the target as the coordinator knows it. */
export function targetPrefix(params: { target: string }): string {
  return `[target: ${params.target}]: `
}

/** A failure reaching or talking to a target (one of CONNECTION_FAILURES). */
export function targetError(params: { target: string }, code: ErrorCode, message: string, options: { hint?: string } = {}): DisnixError {
  return new DisnixError(code, `${targetPrefix(params)}${message}`, { hint: options.hint })
}
