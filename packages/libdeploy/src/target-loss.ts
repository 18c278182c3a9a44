import { ChildProcessError, DisnixError, type ErrorCode } from '@disnix-ts/libmain'

/** The codes of a target that stopped answering or could not be reached at all (disnix-ssh). */
const LOSS_CODES: readonly ErrorCode[] = ['TARGET_UNREACHABLE', 'CONNECTION_LOST']
// The same failures as a client interface started as a process reports them on its stderr.
const LOSS_TEXT = /\bunreachable: (?:no answer for|cannot connect to|the connection stopped responding)|\bthe connection to \S+ port \d+ was (?:lost|reset)/

/**
 * Whether a call failed because its target could not be reached or stopped answering (its link went
 * down, it crashed), rather than because the target refused or a service failed. Such a call may or
 * may not have run on the target.
 */
export function isTargetLoss(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof DisnixError && LOSS_CODES.includes(e.code)) return true
    if (LOSS_TEXT.test(e.message)) return true
    if (e instanceof ChildProcessError && e.stderrTail !== undefined && LOSS_TEXT.test(e.stderrTail)) return true
  }
  return false
}

/** The one line that says why a target was lost (`[target: T]: unreachable: no answer for 10 s from ADDRESS ...`). */
export function lossReason(error: unknown): string {
  const lines: string[] = []
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    lines.push(...e.message.split('\n'))
    if (e instanceof ChildProcessError && e.stderrTail !== undefined) lines.push(...e.stderrTail.split('\n'))
  }
  const first = error instanceof Error ? error.message.split('\n')[0] : String(error)
  return (lines.find((line) => LOSS_TEXT.test(line)) ?? first ?? '').trim()
}

/**
 * Targets that were lost during one phase of a deployment: what failed on each (`reason`), and for a
 * phase that leaves nothing half-done, nothing else. A deployment turns it into its account
 * ({@link targetLostError}); a tool that runs the phase alone prints it as it is.
 */
export class TargetsLostError extends DisnixError {
  constructor(
    readonly phase: string,
    readonly lost: ReadonlyMap<string, string>,
    message: string,
    options: { hint?: string } = {},
  ) {
    super('TARGET_LOST', message, options)
  }
}

export interface TargetLostAccount {
  /** What happened, naming the phase and every lost target with its address and cause. */
  cause: string
  /** One line per target: `name: what is there now`. */
  lines: readonly string[]
  lost: readonly string[]
  /** The command that finishes the deployment once the lost targets are back. */
  finishCommand: string
  /** Said before the finish command (a stale lock to release first, ...). */
  note?: string
}

/**
 * The end of a deployment that lost targets: one message with the per-target account (what is active,
 * what was rolled back, what could not be reached and its last known state) and the one command that
 * finishes the job.
 */
export function targetLostError(account: TargetLostAccount): DisnixError {
  const { lost } = account
  return new DisnixError('TARGET_LOST', `${account.cause}\n${account.lines.map((l) => `  ${l}`).join('\n')}`, {
    hint: `${account.note ? `${account.note}; ` : ''}when ${lost.join(', ')} ${lost.length === 1 ? 'is' : 'are'} reachable again, finish the deployment with: ${account.finishCommand}`,
  })
}

/** `test2 ([target: test2]: unreachable: ...)`-free reasons: one line per lost target, each naming it once. */
export function lostReasons(lost: ReadonlyMap<string, string>): string {
  return [...lost.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([target, reason]) => (reason.startsWith(`[target: ${target}]: `) ? reason : `[target: ${target}]: ${reason}`))
    .join('; ')
}

/**
 * Whether a request whose target was lost may have reached it: only a connection that could not even
 * be set up (`cannot connect to ...`: no answer, refused) proves it did not; a connection that stopped
 * answering may have carried the request before the link went down.
 */
export function mayHaveReached(reason: string): boolean {
  return !/\bcannot connect to\b/.test(reason)
}
