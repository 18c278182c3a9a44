/**
 * The protocol of `disnix-run-activity --serve` (frames of libmain's codec on the session's stdin and
 * stdout): the connection-sharing master of disnix-ssh-client sends command lines, the session runs
 * them concurrently, one channel per request, exactly as the executable would run them.
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

export interface ServeHello {
  /** The serving tool's version (`disnix-ts` release); the master only checks that it answered. */
  version: string
  pid: number
}

export interface ServeRequest {
  /** The tool's arguments, without the program name. */
  argv: string[]
}

export interface ServeExit {
  code: number
}
