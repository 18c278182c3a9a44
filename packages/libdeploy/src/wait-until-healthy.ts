import type { CheckOutcome } from '@disnix-ts/libinterface'

/** How long a freshly activated service has to become healthy, and how often it is asked. */
export interface HealthCheckPolicy {
  /** Give up (and fail) after this many milliseconds without a healthy or unknown result; 0: ask once. */
  timeoutMs: number
  /** The pause between two checks. */
  intervalMs: number
  /**
   * How long a service must keep passing before it counts as healthy (capped at the timeout): a
   * process that starts, reports healthy and dies a second later must not pass.
   */
  settleMs: number
}

/** The defaults of --health-check-timeout and the poll interval. */
export const DEFAULT_HEALTH_CHECK_POLICY: HealthCheckPolicy = { timeoutMs: 5000, intervalMs: 500, settleMs: 2000 }

export interface WaitUntilHealthyOptions extends HealthCheckPolicy {
  /** The clock (milliseconds); injectable so that tests need no real time. */
  now?: () => number
  /** Waits `ms` milliseconds; resolves early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Stops polling: the last outcome is returned as it is. */
  signal?: AbortSignal
  /**
   * Called once, at the first healthy outcome: the service runs and answers (what its dependants
   * need), while the settle time goes on deciding whether it stays up.
   */
  onHealthy?: () => void
}

/**
 * Asks `check` every interval until the service has been healthy for `settleMs` without a failing
 * check in between (while it settles, at half the settle time and at its end: pauseAfter), or reports unknown (a module without `check` counts as passing at once), or the
 * timeout has run out; returns the last outcome. At the deadline a healthy service passes and a
 * failing one fails. A check is always asked at least once.
 */
export async function waitUntilHealthy(check: () => Promise<CheckOutcome>, options: WaitUntilHealthyOptions): Promise<CheckOutcome> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? abortableSleep
  const timeout = Math.max(0, options.timeoutMs)
  const settle = Math.min(Math.max(0, options.settleMs), timeout)
  const deadline = now() + timeout
  let healthySince: number | undefined
  let everHealthy = false
  for (;;) {
    const outcome = await check()
    const time = now()
    if (outcome.status === 'unknown') return outcome
    if (outcome.status === 'healthy') {
      if (healthySince === undefined) {
        if (!everHealthy) options.onHealthy?.()
        everHealthy = true
        healthySince = time
      }
      if (time - healthySince >= settle) return outcome
    } else {
      healthySince = undefined
    }
    const left = deadline - time
    if (left <= 0 || options.signal?.aborted) return outcome
    await sleep(Math.min(pauseAfter(time, healthySince, settle, options.intervalMs), left), options.signal)
  }
}

/**
 * The pause before the next check. A failing service is asked every interval. A healthy one that
 * settles is asked halfway through its settle time and at its end (never more often than every
 * interval): a service that dies within the settle time and stays down is caught at the end, one
 * that dies and comes back is caught when the half-way check falls in its down time, and the
 * checks of a hundred services settling at once cost a target two module runs each, not four.
 */
function pauseAfter(time: number, healthySince: number | undefined, settle: number, interval: number): number {
  if (healthySince === undefined) return interval
  return Math.min(Math.max(interval, settle / 2), healthySince + settle - time)
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
