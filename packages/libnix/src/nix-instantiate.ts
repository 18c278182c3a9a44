import { nixCallArgs, type NixCallOptions } from './nix-args.js'
import { storePathLines } from './nix-build.js'
import { runNixEval } from './run-nix-eval.js'

export interface NixInstantiateOptions extends NixCallOptions {
  /** Evaluate only (`--eval`) instead of writing store derivations. */
  eval?: boolean
  /** Evaluate the result deeply (`--strict`, with `eval`). */
  strict?: boolean
  /** Print the value as Nix's XML (`--xml`, with `eval`). */
  xml?: boolean
  /** Print the value as JSON (`--json`, with `eval`). */
  json?: boolean
  /** Register the derivations as GC roots under this path (`--add-root`, without `eval`). */
  addRoot?: string
}

/**
 * `nix-instantiate`: with `eval`, returns the printed value (Nix syntax, XML or JSON text); without,
 * writes the store derivations and returns Nix's output (one .drv path per line).
 */
export async function nixInstantiate(options: NixInstantiateOptions): Promise<string> {
  const argv = [options.file, ...nixCallArgs(options)]
  if (options.eval) {
    argv.push('--eval')
    if (options.strict) argv.push('--strict')
    if (options.xml) argv.push('--xml')
    if (options.json) argv.push('--json')
  } else if (options.addRoot !== undefined) {
    argv.push('--add-root', options.addRoot, '--indirect')
  }
  return runNixEval('nix-instantiate', argv, options)
}

/** `nix-instantiate` of derivations: the .drv paths. */
export async function nixInstantiateDerivations(options: Omit<NixInstantiateOptions, 'eval' | 'strict' | 'xml' | 'json'>): Promise<string[]> {
  return storePathLines(await nixInstantiate(options))
}

/** `nix-instantiate --eval --strict --json`: the value, parsed. */
export async function nixEvalJson(options: Omit<NixInstantiateOptions, 'eval' | 'strict' | 'xml' | 'json'>): Promise<unknown> {
  return JSON.parse(await nixInstantiate({ ...options, eval: true, strict: true, json: true })) as unknown
}
