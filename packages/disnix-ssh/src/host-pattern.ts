/** OpenSSH pattern matching (`*`, `?`), used by `Host` lines of ssh_config and by known_hosts names. */
export function matchPattern(pattern: string, name: string): boolean {
  const regex = new RegExp(
    `^${[...pattern.toLowerCase()].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('')}$`,
    's',
  )
  return regex.test(name.toLowerCase())
}

/**
 * A pattern list as OpenSSH evaluates it: a negated pattern (`!foo`) that matches rejects the name
 * outright; otherwise the name matches when any positive pattern does.
 */
export function matchPatternList(patterns: readonly string[], name: string): boolean {
  let matched = false
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchPattern(p.slice(1), name)) return false
    } else if (matchPattern(p, name)) {
      matched = true
    }
  }
  return matched
}
