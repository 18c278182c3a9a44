import type { ExecaError } from 'execa'
import { commandError } from '@disnix-ts/libmain'
import { nixEvaluationError, nixTraceLines } from './nix-error.js'
import type { NixCallOptions } from './nix-args.js'

/** Runs nix-build or nix-instantiate; an evaluation or build failure becomes Nix's own message. */
export async function runNixEval(file: 'nix-build' | 'nix-instantiate', argv: readonly string[], options: NixCallOptions): Promise<string> {
  const step = `${file} ${options.file}`
  try {
    const { execa } = await import('execa')
    const result = await execa(file, [...argv], {
      env: options.env,
      cwd: options.cwd,
      cancelSignal: options.signal,
      stdin: 'ignore',
      stripFinalNewline: false,
      encoding: 'utf8',
    })
    for (const message of nixTraceLines(String(result.stderr))) options.onTrace?.(message)
    return String(result.stdout)
  } catch (error) {
    if (isExecaError(error) && error.exitCode !== undefined && error.code !== 'ENOENT') {
      const stderr = String(error.stderr ?? '')
      for (const message of nixTraceLines(stderr)) options.onTrace?.(message)
      throw nixEvaluationError(stderr, step, error)
    }
    throw commandError(error, file, argv, { step })
  }
}

/** `instanceof ExecaError` without loading execa up front: its error class is named so on its prototype. */
function isExecaError(error: unknown): error is ExecaError {
  return error instanceof Error && error.name === 'ExecaError'
}
