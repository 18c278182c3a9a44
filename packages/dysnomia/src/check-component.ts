import { spawn } from 'node:child_process'
import { basename } from 'node:path'
import { DisnixError } from '@disnix-ts/libmain'
import { prepareDysnomiaInvocation, type DysnomiaInvocation, type DysnomiaRequest } from './prepare-dysnomia-invocation.js'
import { moduleNotExecutable } from './run-dysnomia-operation.js'

/**
 * What the `check` operation found out about a component:
 * - `healthy`: the module verified it; `reason` says what it verified ("process 1234 is running");
 * - `failing`: the module (or its run) failed; `reason` is one line saying why;
 * - `unknown`: the module does not implement `check` (an older module); never a failure.
 */
export type CheckStatus = 'healthy' | 'failing' | 'unknown'

export interface CheckResult {
  status: CheckStatus
  /** One line, never empty. */
  reason: string
}

/** The line prefix with which a module positively reports a healthy component (see docs/writing-modules.md). */
export const HEALTHY_PREFIX = 'healthy:'

export interface CheckRunOptions {
  /** Kill the module (and everything it started) and report `failing` when it runs longer (default: no limit). */
  timeoutMs?: number
  /** Cancels the check: the module and its children are killed and a CANCELLED error is thrown. */
  signal?: AbortSignal
}

export type CheckComponentOptions = Omit<DysnomiaRequest, 'operation'> & CheckRunOptions

/**
 * `dysnomia --operation check`, in-process: resolves container, component and module as for any
 * operation, runs `MODULE check COMPONENT CONTAINER` and interprets its outcome. Resolution problems
 * are DisnixErrors (nothing has run then); everything the module does is a CheckResult.
 */
export async function checkComponent(options: CheckComponentOptions): Promise<CheckResult> {
  const invocation = await prepareDysnomiaInvocation({ ...options, operation: 'check' })
  return runModuleCheck(invocation, options)
}

/** What a finished (or stopped) module run left behind, as {@link interpretCheckOutput} needs it. */
export interface ModuleCheckOutput {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Set when the run was stopped because it exceeded this many milliseconds. */
  timedOutAfterMs?: number
}

/**
 * Runs a prepared `check` call with its output captured. The module runs in a process group of its
 * own, so that a timeout or a cancellation also ends the clients it started (psql, curl, ...).
 */
export async function runModuleCheck(invocation: DysnomiaInvocation, options: CheckRunOptions = {}): Promise<CheckResult> {
  const output = await captureModule(invocation, options)
  return interpretCheckOutput(output, invocation.module)
}

/**
 * The check protocol (docs/writing-modules.md), as a pure function of the module's run:
 * 1. stopped by the timeout, or killed by a signal: failing;
 * 2. a non-zero exit status: failing; the reason is the last non-empty line of stderr, else of stdout;
 * 3. exit status 0 and the last non-empty line of stdout starts with `healthy:`: healthy, the rest
 *    of that line is the reason;
 * 4. exit status 0 otherwise (no output, or output without that line): unknown. Older modules end up
 *    here: their `case` falls through for an operation they do not know, and some print something for
 *    every operation (the original's echo module prints its environment).
 */
export function interpretCheckOutput(output: ModuleCheckOutput, module: string): CheckResult {
  const name = basename(module)
  const lastError = lastLine(output.stderr)
  if (output.timedOutAfterMs !== undefined) {
    const seconds = Math.round(output.timedOutAfterMs / 100) / 10
    return failing(`check of module ${name} did not finish within ${seconds} s${lastError ? ` (last message: ${lastError})` : ''}`)
  }
  if (output.signal !== null) {
    return failing(`check of module ${name} was killed by ${output.signal}${lastError ? ` (last message: ${lastError})` : ''}`)
  }
  if (output.exitCode !== 0) {
    return failing(lastError ?? lastLine(output.stdout) ?? `check of module ${name} failed with exit status ${output.exitCode}`)
  }
  const last = lastLine(output.stdout)
  if (last?.startsWith(HEALTHY_PREFIX)) {
    const reason = last.slice(HEALTHY_PREFIX.length).trim()
    return { status: 'healthy', reason: reason === '' ? `module ${name} reports the component healthy` : reason }
  }
  return { status: 'unknown', reason: `module ${name} does not implement check` }
}

/** The part of a module's output kept for the reason; a chatty module must not fill the memory. */
const KEEP_BYTES = 64 * 1024
/** How long the output streams may stay open after the module exited (a child that kept them). */
const CLOSE_GRACE_MS = 1000
/** The longest reason we pass on; a line longer than this is cut. */
const MAX_REASON = 500

function failing(reason: string): CheckResult {
  return { status: 'failing', reason }
}

/** The last line of `text` with something on it, trimmed and at most MAX_REASON characters. */
function lastLine(text: string): string | undefined {
  const lines = text.split(/\r?\n|\r/)
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] as string).trim()
    if (line !== '') return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 3)}...` : line
  }
  return undefined
}

function captureModule(invocation: DysnomiaInvocation, options: CheckRunOptions): Promise<ModuleCheckOutput> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(cancelled())
      return
    }
    const child = spawn(invocation.module, ['check', invocation.componentPath, invocation.containerArg], {
      env: invocation.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    const stdout = outputTail()
    const stderr = outputTail()
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk))

    let timedOut = false
    let aborted = false
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
    let settled = false
    const timers: NodeJS.Timeout[] = []

    const killGroup = (): void => {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
      }
    }
    const onAbort = (): void => {
      aborted = true
      killGroup()
    }
    const finish = (): void => {
      if (settled || exit === undefined) return
      settled = true
      for (const timer of timers) clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      child.stdout.destroy()
      child.stderr.destroy()
      if (aborted) {
        reject(cancelled())
        return
      }
      resolve({
        exitCode: exit.code,
        signal: timedOut ? null : exit.signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        ...(timedOut ? { timedOutAfterMs: options.timeoutMs } : {}),
      })
    }

    options.signal?.addEventListener('abort', onAbort, { once: true })
    if (options.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true
          killGroup()
        }, options.timeoutMs),
      )
    }
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (settled) return
      settled = true
      for (const timer of timers) clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      reject(moduleNotExecutable(invocation.module, error))
    })
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      // Normally 'close' follows at once; a process the module left behind may hold the pipes open.
      timers.push(setTimeout(finish, CLOSE_GRACE_MS))
    })
    child.once('close', finish)
  })
}

function cancelled(): DisnixError {
  return new DisnixError('CANCELLED', 'The check was cancelled')
}

/** Collects a stream's bytes, keeping only the last KEEP_BYTES. */
function outputTail(): { add(chunk: Buffer): void; text(): string } {
  const chunks: Buffer[] = []
  let size = 0
  return {
    add(chunk) {
      chunks.push(chunk)
      size += chunk.length
      while (size > KEEP_BYTES && chunks.length > 1) size -= (chunks.shift() as Buffer).length
    },
    text() {
      const all = Buffer.concat(chunks)
      return all.subarray(Math.max(0, all.length - KEEP_BYTES)).toString('utf8')
    },
  }
}
