/**
 * Quotes one argument for a POSIX shell. Every remote command (ssh2's exec takes one string) goes
 * through here, so a name or path with spaces, quotes, `$(...)` or newlines reaches the remote
 * program as exactly one argument and is never interpreted.
 */
export function quoteShellArg(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg
  return `'${arg.replaceAll("'", `'\\''`)}'`
}

/** Quotes an argv for a POSIX shell: `quoteShellArgs(['echo', 'a b'])` is `echo 'a b'`. */
export function quoteShellArgs(argv: readonly string[]): string {
  return argv.map(quoteShellArg).join(' ')
}
