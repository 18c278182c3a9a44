import { nixCallArgs, type NixCallOptions } from './nix-args.js'
import { runNixEval } from './run-nix-eval.js'

export interface NixBuildOptions extends NixCallOptions {
  /** Do not create a result symlink (`--no-out-link`). */
  noOutLink?: boolean
  /** Name of the result symlink (`-o`), relative to `cwd`; default `result`. */
  outLink?: string
}

/** `nix-build`: evaluates and builds, returns the output store paths it prints. */
export async function nixBuild(options: NixBuildOptions): Promise<string[]> {
  const argv = [options.file, ...nixCallArgs(options)]
  if (options.noOutLink) argv.push('--no-out-link')
  else if (options.outLink !== undefined) argv.push('-o', options.outLink)
  return storePathLines(await runNixEval('nix-build', argv, options))
}

export function storePathLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('/'))
}
