/** Arguments and options shared by nix-build and nix-instantiate. */
export interface NixCallOptions {
  /** The Nix expression file. */
  file: string
  /** Attribute path(s) to select (`-A`). */
  attr?: string | readonly string[]
  /** `--argstr NAME VALUE` for each entry. */
  argstrs?: Readonly<Record<string, string>>
  /** `--arg NAME EXPR` for each entry (a Nix expression, passed verbatim). */
  args?: Readonly<Record<string, string>>
  showTrace?: boolean
  /** Extra environment for Nix (NIX_PATH, NIX_CONFIG, ...), merged over the parent's. */
  env?: NodeJS.ProcessEnv
  cwd?: string
  signal?: AbortSignal
  /** Receives each `trace:` line of the evaluation (model warnings), e.g. to show them. */
  onTrace?: (message: string) => void
}

export function nixCallArgs(options: NixCallOptions): string[] {
  const argv: string[] = []
  for (const [name, value] of Object.entries(options.argstrs ?? {})) argv.push('--argstr', name, value)
  for (const [name, value] of Object.entries(options.args ?? {})) argv.push('--arg', name, value)
  const attrs = options.attr === undefined ? [] : typeof options.attr === 'string' ? [options.attr] : options.attr
  for (const attr of attrs) argv.push('-A', attr)
  if (options.showTrace) argv.push('--show-trace')
  return argv
}
