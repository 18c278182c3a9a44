import type { ExecaError, Options } from 'execa'
import { DisnixError, forwardStream, toolPath } from '@disnix-ts/libmain'
import type { TargetContext, TargetOutput } from './target-context.js'

export interface RunTargetToolOptions {
  /** Extra variables for this child only (an activity's container properties). */
  env?: NodeJS.ProcessEnv
  /** Capture stdout (the result) instead of sending it to the context's stdout. */
  capture?: boolean
  /** Send stdout to this descriptor (a temp file). */
  stdoutFd?: number
  step: string
}

/**
 * Runs one of our sibling tools (dysnomia, dysnomia-snapshots, dysnomia-containers) with the
 * context's stdio. A non-zero exit becomes a DisnixError carrying the child's exit status, which
 * disnix-run-activity exits with.
 */
export async function runTargetTool(ctx: TargetContext, tool: string, args: readonly string[], options: RunTargetToolOptions): Promise<string> {
  try {
    const { execa } = await import('execa')
    const result = await execa(toolPath(tool), [...args], {
      env: { ...ctx.env, ...options.env },
      extendEnv: false,
      cancelSignal: ctx.signal,
      stdin: 'ignore',
      stdout: options.stdoutFd ?? (options.capture ? 'pipe' : execaOutput(ctx.stdout)),
      stderr: execaOutput(ctx.stderr),
      stripFinalNewline: false,
      encoding: 'utf8',
    } as Options)
    return typeof result.stdout === 'string' ? result.stdout : ''
  } catch (error) {
    throw childFailure(error, options.step)
  }
}

/** A context's output as execa takes it: a stream is piped into (and left open). */
function execaOutput(output: TargetOutput): 'inherit' | number | ['pipe', NodeJS.WritableStream] {
  return typeof output === 'object' ? ['pipe', forwardStream(output)] : output
}

/** A failed child as a DisnixError whose exit status is the child's (1 when it has none). */
export function childFailure(error: unknown, step: string): unknown {
  if (isExecaError(error)) {
    if (error.code === 'ENOENT') return new DisnixError('COMMAND_NOT_FOUND', `${step}: cannot execute ${error.command.split(' ')[0]}: not found`)
    const status = error.exitCode ?? 1
    const how = error.signal ? `killed by ${error.signal}` : `exit status ${status}`
    return new DisnixError('COMMAND_FAILED', `${step} failed (${how})`, { exitCode: status === 0 ? 1 : status, cause: error })
  }
  if (error instanceof DisnixError && error.code === 'COMMAND_FAILED' && isExecaError(error.cause)) {
    const status = error.cause.exitCode ?? 1
    return new DisnixError(error.code, error.message, { exitCode: status === 0 ? 1 : status, cause: error.cause })
  }
  return error
}

/**
 * `error instanceof ExecaError` without loading execa at start-up (an activity never needs it): its
 * error class is named `ExecaError` on its prototype.
 */
function isExecaError(error: unknown): error is ExecaError {
  return error instanceof Error && error.name === 'ExecaError'
}
