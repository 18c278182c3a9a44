import type { ErrorCode } from '@disnix-ts/libmain'
import type { ServedCall } from './remote-session.js'
/**
 * The framed protocol (libmain's frame codec) between a disnix-ssh-client invocation and the
 * connection-sharing master, over a Unix socket. One channel per remote command; data frames carry raw bytes so closures and snapshots stream both ways, and backpressure
 * is applied by pausing the reader on either side.
 */
export const FrameType = {
  /** client → master, JSON {@link OpenPayload}. */
  Open: 1,
  Stdin: 2,
  StdinEof: 3,
  /** client → master, JSON `{ rows, cols }`. */
  Resize: 4,
  Stdout: 5,
  Stderr: 6,
  /** master → client, JSON {@link ExitPayload}. */
  Exit: 7,
  /** master → client, JSON {@link ErrorPayload}: the command could not run (connection failure). */
  Error: 8,
  /** client → master: asks for {@link MasterStatus} (channel 0). */
  Status: 9,
  StatusReply: 10,
} as const
export type FrameType = (typeof FrameType)[keyof typeof FrameType]

export interface OpenPayload {
  /** The remote command as a shell string (every argument quoted). */
  command: string
  /**
   * The same command as a typed request when it is a plain call of the remote client without stdin:
   * the master may then serve it over a long-lived `--serve` session instead of starting a process.
   */
  served?: ServedCall
  pty?: { rows: number; cols: number; term: string }
}

export interface ExitPayload {
  code: number | null
  signal?: string
}

export interface ErrorPayload {
  code: ErrorCode
  message: string
  hint?: string
}

/** What a master reports about itself (tests and `--master-status` read it). */
export interface MasterStatus {
  pid: number
  /** How many ssh connections this master has opened (1 unless it reconnected). */
  connects: number
  /** Remote commands served so far. */
  commands: number
  /** How many of them ran in the remote client's long-lived `--serve` session (no process start). */
  served: number
  /** Remote commands running now. */
  running: number
  connected: boolean
}
