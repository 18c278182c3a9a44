import { matchPatternList } from './host-pattern.js'

/** One `Keyword value` setting with where it came from (for messages). */
export interface SshSetting {
  /** Lower-case keyword, e.g. `hostname`, `identityfile`. */
  keyword: string
  value: string
  source: string
}

/** A `Host` block; `patterns` is null for the settings before the first `Host` line (they apply to all hosts). */
export interface SshConfigBlock {
  patterns: string[] | null
  /** A `Match` block: we do not evaluate Match criteria except `all`, so other Match blocks never apply. */
  match?: string
  settings: SshSetting[]
}

/** Parses an OpenSSH client config file (`ssh_config(5)`): `Keyword value` or `Keyword=value`, `#` comments. */
export function parseSshConfig(text: string, file: string): SshConfigBlock[] {
  const blocks: SshConfigBlock[] = [{ patterns: null, settings: [] }]
  const lines = text.split('\n')
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line)
    if (!m) continue
    const keyword = m[1]!.toLowerCase()
    const words = splitConfigValue(m[2]!)
    if (keyword === 'host') {
      blocks.push({ patterns: words, settings: [] })
    } else if (keyword === 'match') {
      blocks.push({ patterns: null, match: words.join(' ').toLowerCase(), settings: [] })
    } else {
      blocks.at(-1)!.settings.push({ keyword, value: words.join(' '), source: `${file}:${index + 1}` })
    }
  }
  return blocks
}

/** The settings that apply to `host` (the name as typed), in file order. */
export function settingsForHost(blocks: readonly SshConfigBlock[], host: string): SshSetting[] {
  const out: SshSetting[] = []
  for (const block of blocks) {
    const applies =
      block.match !== undefined ? block.match === 'all' : block.patterns === null || matchPatternList(block.patterns, host)
    if (applies) out.push(...block.settings)
  }
  return out
}

/** Splits a config value into words, honouring double quotes as ssh does (`IdentityFile "a b"`). */
function splitConfigValue(value: string): string[] {
  const words: string[] = []
  const re = /"([^"]*)"|(\S+)/g
  for (let m = re.exec(value); m; m = re.exec(value)) words.push(m[1] ?? m[2]!)
  return words
}
