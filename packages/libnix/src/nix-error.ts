import { DisnixError, nixExprDir } from '@disnix-ts/libmain'

/** How many lines of Nix's own error a message carries (the message, its location and code excerpt). */
const NIX_ERROR_LINES = 15

/**
 * Turns the stderr of a failed nix-build / nix-instantiate into one DisnixError carrying Nix's own
 * message: from the first `error:` line on (warnings and build logs before it are dropped), without
 * the "use --show-trace" footer, which becomes the hint. A missing `<nixpkgs>` gets a message that
 * says how to provide it.
 */
export function nixEvaluationError(stderr: string, step: string, cause?: unknown): DisnixError {
  if (/file 'nixpkgs' was not found in the Nix search path/.test(stderr)) {
    return new DisnixError('NIXPKGS_NOT_FOUND', `${step}: <nixpkgs> is not in the Nix search path`, {
      hint: `set NIX_PATH=nixpkgs=/path/to/nixpkgs (or use the bundled offline package set: NIX_PATH=nixpkgs=${nixExprDir()}/offline-pkgs)`,
      cause,
    })
  }
  const lines = stderr.replace(/\n+$/, '').split('\n')
  const start = lines.findIndex((line) => /^error\b/.test(line))
  const errorLines = (start === -1 ? lines.slice(-NIX_ERROR_LINES) : lines.slice(start)).filter(
    (line) => !/^\(use '--show-trace' to show detailed location information\)$/.test(line.trim()),
  )
  const showTrace = /use '--show-trace'/.test(stderr)
  const text = errorLines
    .slice(0, NIX_ERROR_LINES)
    .join('\n')
    .replace(/^error: /, '')
    .trim()
  return new DisnixError('NIX_FAILED', text === '' ? `${step}: failed` : text, {
    hint: showTrace ? 'run again with --show-trace for details' : undefined,
    cause,
  })
}

/** The `trace: ...` lines (model warnings) of Nix's stderr. */
export function nixTraceLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('trace: '))
    .map((line) => line.slice('trace: '.length))
}
