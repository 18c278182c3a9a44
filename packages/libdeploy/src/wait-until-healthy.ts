import type { CheckOutcome } from '@disnix-ts/libinterface'

/** How long a freshly activated service has to become healthy, and how often it is asked. */
export interface HealthCheckPolicy {
  /** Give up (and fail) after this many milliseconds without a healthy or unknown result; 0: ask once. */
  timeoutMs: number
  /** The pause between two checks. */
  intervalMs: number
}

/** The defaults of --health-check-timeout and the poll interval. */
export const DEFAULT_HEALTH_CHECK_POLICY: HealthCheckPolicy = { timeoutMs: 5000, intervalMs: 500 }

export interface WaitUntilHealthyOptions extends HealthCheckPolicy {
  /** The clock (milliseconds); injectable so that tests need no real time. */
  now?: () => number
  /** Waits `ms` milliseconds; resolves early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Stops polling: the last outcome is returned as it is. */
  signal?: AbortSignal
}

/**
 * Asks `check` until it reports the service healthy, or unknown (a module without `check` counts as
 * passing), or the timeout has run out; returns the last outcome, which is `failing` only when the
 * service never passed. A check is always asked at least once, and never started after the deadline.
 */
export async function waitUntilHealthy(check: () => Promise<CheckOutcome>, options: WaitUntilHealthyOptions): Promise<CheckOutcome> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? abortableSleep
  const deadline = now() + Math.max(0, options.timeoutMs)
  for (;;) {
    const outcome = await check()
    if (outcome.status !== 'failing') return outcome
    const left = deadline - now()
    if (left <= 0 || options.signal?.aborted) return outcome
    await sleep(Math.min(options.intervalMs, left), options.signal)
  }
}

/** Whether a check outcome lets a deployment go on: healthy, or unknown. */
export function passes(outcome: CheckOutcome): boolean {
  return outcome.status !== 'failing'
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
  })
}
