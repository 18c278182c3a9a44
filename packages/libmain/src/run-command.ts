import type { Options } from 'execa'
import { childProcessError, execaOutcome, isExecaError } from './child-process-error.js'

export interface RunCommandOptions {
  /** What this command does, for the error message: "[target: test1]: importing closure". */
  step?: string
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Start from an empty environment plus `env` (as `env -i` does). */
  cleanEnv?: boolean
  input?: string | Uint8Array
  /** Where the child's stdin/stderr go; output is captured unless set to 'inherit'. */
  stdin?: 'ignore' | 'inherit' | 'pipe'
  stdout?: 'pipe' | 'inherit'
  stderr?: 'pipe' | 'inherit'
  /** Values that must never appear in an error message or log. */
  secrets?: readonly string[]
  timeoutMs?: number
  signal?: AbortSignal
  /** Run the child in its own process group, so a terminal's Ctrl-C does not reach it. */
  detached?: boolean
}

export interface CommandResult {
  stdout: string
  stderr: string
}

/**
 * Runs a program with an argument array (never a shell string). A failure becomes one
 * ChildProcessError (`COMMAND_FAILED`, or `COMMAND_NOT_FOUND`) whose message names the step and
 * carries the last lines of the child's stderr, with secrets redacted.
 */
export async function runCommand(file: string, args: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  const execaOptions: Options = {
    cwd: options.cwd,
    env: options.env,
    extendEnv: !options.cleanEnv,
    input: options.input,
    stdin: options.input === undefined ? (options.stdin ?? 'ignore') : undefined,
    stdout: options.stdout ?? 'pipe',
    stderr: options.stderr ?? 'pipe',
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    detached: options.detached,
    stripFinalNewline: false,
    encoding: 'utf8',
  }
  try {
    // Loaded on first use: execa is most of a tool's start-up time, and many runs (--help, usage
    // errors, in-process work) never start a child.
    const { execa } = await import('execa')
    const result = await execa(file, [...args], execaOptions)
    return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') }
  } catch (error) {
    throw commandError(error, file, args, options)
  }
}

/**
 * Turns an execa failure into the ChildProcessError of {@link childProcessError} (`<step>: failed
 * (exit status N)` and the last lines of stderr); rethrows anything else.
 */
export function commandError(error: unknown, file: string, args: readonly string[], options: RunCommandOptions = {}): unknown {
  if (!isExecaError(error)) return error
  const outcome = execaOutcome(error)
  return childProcessError(outcome, {
    step: options.step ?? `${file} ${args.join(' ')}`,
    programKind: file,
    colon: true,
    secrets: options.secrets,
    cause: error,
  })
}
