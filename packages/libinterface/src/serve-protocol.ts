import type { InterfaceRequest } from './operations.js'

/**
 * The protocol of `disnix-run-activity --serve` (frames of libmain's codec on the session's stdin and
 * stdout): the connection-sharing master of disnix-ssh-client sends typed requests of the client-
 * interface protocol, the session runs them concurrently, one channel per request, with the output
 * and exit status of the executable.
 */
export const ServeFrameType = {
  /** session → master, channel 0, JSON {@link ServeHello}: the session is ready for requests. */
  Hello: 1,
  /** master → session, JSON {@link ServeRequest}. */
  Request: 2,
  Stdout: 3,
  Stderr: 4,
  /** session → master, JSON {@link ServeExit}: the request is done and sent no more output. */
  Exit: 5,
} as const
export type ServeFrameType = (typeof ServeFrameType)[keyof typeof ServeFrameType]

/**
 * The version of this protocol. A session that says another one (or none: sessions that took command
 * lines) is not used; its calls get a process each.
 */
export const SERVE_PROTOCOL = 2

export interface ServeHello {
  /** The serving tool's version (`disnix-ts` release). */
  version: string
  pid: number
  protocol: number
}

/** One request, as JSON: checked by the session with `parseRequest`. */
export type ServeRequest = InterfaceRequest

export interface ServeExit {
  code: number
}
