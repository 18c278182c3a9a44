import type { Readable, Writable } from 'node:stream'
import type { InterfaceRequest } from '@disnix-ts/libinterface'

/** A pseudo-terminal for an interactive command (`--shell`). */
export interface PtyRequest {
  rows: number
  cols: number
  term: string
}

/** One remote command: a shell string (build it with quoteShellArgs) and the streams it talks to. */
export interface ExecRequest {
  command: string
  /**
   * The same command as a typed request of the remote client, when it is a plain call that reads no
   * stdin: a connection-sharing master may run it in the client's long-lived `--serve` session.
   */
  served?: ServedCall
  /** Streamed to the command's stdin; without it the command sees end-of-file at once (like `ssh -n`). */
  stdin?: Readable
  stdout: Writable
  stderr: Writable
  pty?: PtyRequest
  /**
   * Ends the remote command early by closing its channel: it sees the end of its input and a closed
   * output, as when the ssh process of a caller is killed, and its own clean-up still runs.
   */
  signal?: AbortSignal
  /** Registers a listener for terminal size changes; returns the function that removes it. */
  watchResize?: (apply: (rows: number, cols: number) => void) => () => void
}

/** A call of the remote client as a typed request: `client` is the executable, as DISNIX_REMOTE_CLIENT names it. */
export interface ServedCall {
  client: string
  request: InterfaceRequest
}

/** How a remote command ended: its exit status, or the signal that killed it. */
export interface ExecResult {
  code: number | null
  signal?: string
}

/** An open connection to a target, direct or through the connection-sharing master. */
export interface RemoteSession {
  /** `shared` when the command runs over a master's connection. */
  readonly kind: 'direct' | 'shared'
  exec(request: ExecRequest): Promise<ExecResult>
  close(): void
}
