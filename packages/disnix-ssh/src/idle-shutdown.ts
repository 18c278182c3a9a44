/** Counts a master's invocations and calls `onIdle` once none has been connected for `idleMs`. */
export interface IdleShutdown {
  /** Starts counting: with no invocation connected, the time runs from now. */
  start(): void
  /** An invocation connected. */
  enter(): void
  /** An invocation went away. */
  leave(): void
  stop(): void
}

export function idleShutdown(idleMs: number, onIdle: () => void): IdleShutdown {
  let clients = 0
  let timer: NodeJS.Timeout | undefined
  const arm = (): void => {
    clearTimeout(timer)
    if (clients === 0) timer = setTimeout(onIdle, idleMs)
  }
  return {
    start: arm,
    enter() {
      clients++
      clearTimeout(timer)
    },
    leave() {
      clients--
      arm()
    },
    stop() {
      clearTimeout(timer)
    },
  }
}
