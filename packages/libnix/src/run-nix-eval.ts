import { childFailure, runChild } from '@disnix-ts/libmain'
import { nixEvaluationError, nixTraceLines } from './nix-error.js'
import type { NixCallOptions } from './nix-args.js'

/** Runs nix-build or nix-instantiate; an evaluation or build failure becomes Nix's own message. */
export async function runNixEval(file: 'nix-build' | 'nix-instantiate', argv: readonly string[], options: NixCallOptions): Promise<string> {
  const step = `${file} ${options.file}`
  const outcome = await runChild(file, argv, { env: options.env, cwd: options.cwd, signal: options.signal, stdin: 'ignore' })
  for (const message of nixTraceLines(outcome.stderr)) options.onTrace?.(message)
  if (outcome.exitCode === 0) return outcome.stdout
  if (outcome.exitCode !== undefined) throw nixEvaluationError(outcome.stderr, step, outcome)
  throw childFailure(outcome, file, argv, { step })
}
