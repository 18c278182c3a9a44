/** What a tool's `--help` promises: its long options and the environment variables it reads. */
export interface HelpFacts {
  longOptions: string[]
  environment: string[]
}

// Every tool has these (libmain's commandFor); their pages need not repeat them.
const COMMON_OPTIONS = new Set(['--help', '--version'])

/**
 * Reads the long options of the "Options:" section and the variable names of the "Environment:"
 * section of a commander help text. Entries start at an indent of two spaces; deeper lines continue
 * the previous entry's description.
 */
export function parseHelpText(help: string): HelpFacts {
  const longOptions: string[] = []
  const environment: string[] = []
  let section = ''
  for (const line of help.split('\n')) {
    const heading = /^(\S[^:]*):\s*$/.exec(line)
    if (heading !== null) {
      section = heading[1] ?? ''
      continue
    }
    if (section === 'Options') {
      const option = /^ {2}(?:-\w, )?(--[a-z0-9][a-z0-9-]*)/.exec(line)
      if (option?.[1] !== undefined && !COMMON_OPTIONS.has(option[1])) longOptions.push(option[1])
    } else if (section === 'Environment') {
      const names = /^ {2}([A-Z][A-Z0-9_]*(?:, *[A-Z][A-Z0-9_]*)*)(?=\s|$)/.exec(line)
      if (names?.[1] !== undefined) environment.push(...names[1].split(/, */))
    }
  }
  return { longOptions, environment }
}

/** True if `text` mentions `word` as a whole word (so `--all` does not match `--all-generations`). */
export function mentions(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[^\\w-])${escaped}(?![\\w-])`).test(text)
}
