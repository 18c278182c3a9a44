import { DisnixError } from '@disnix-ts/libmain'
import type { SshSetting } from './ssh-config.js'

/** What `SSH_OPTS` says: settings in command-line order (they win over the config file) and `-F`. */
export interface SshCommandLine {
  settings: SshSetting[]
  /** `-F FILE`; `none` means no config file at all. */
  configFile?: string
}

/** Splits `SSH_OPTS` on whitespace, as the original's unquoted `$SSH_OPTS` expansion does (no quote removal). */
export function splitSshOpts(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter((w) => w !== '')
}

// ssh flags without an argument: accepted and ignored (they change nothing we do, or we always behave so).
const IGNORED_FLAGS = new Set('46AaCfGgKkMNnqsTtVvXxYy'.split(''))
// ssh options with an argument that we cannot honour: refusing is better than silently connecting differently.
const UNSUPPORTED_WITH_ARG = new Set('BbcDEeIJLmOQRSWw'.split(''))
const FLAG_SETTING: Record<string, string> = { p: 'port', i: 'identityfile', l: 'user' }

/** Parses ssh command-line options (the words of `SSH_OPTS`). */
export function parseSshOpts(words: readonly string[]): SshCommandLine {
  const result: SshCommandLine = { settings: [] }
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    if (!word.startsWith('-') || word === '-') throw optsError(`unexpected argument '${word}'`)
    let j = 1
    while (j < word.length) {
      const flag = word[j]!
      if (IGNORED_FLAGS.has(flag)) {
        j++
        continue
      }
      const takesArg = flag === 'o' || flag === 'F' || flag in FLAG_SETTING || UNSUPPORTED_WITH_ARG.has(flag)
      if (!takesArg) throw optsError(`unknown option -${flag}`)
      let arg = word.slice(j + 1)
      if (arg === '') {
        if (i + 1 >= words.length) throw optsError(`option -${flag} needs an argument`)
        arg = words[++i]!
      }
      if (UNSUPPORTED_WITH_ARG.has(flag)) throw optsError(`option -${flag} is not supported by disnix-ssh-client`)
      if (flag === 'F') result.configFile = arg
      else if (flag === 'o') result.settings.push(parseDashO(arg))
      else result.settings.push({ keyword: FLAG_SETTING[flag]!, value: arg, source: `SSH_OPTS -${flag}` })
      break
    }
  }
  return result
}

function parseDashO(arg: string): SshSetting {
  const m = /^\s*([A-Za-z0-9]+)(?:\s*=\s*|\s+)(.*)$/.exec(arg)
  if (!m || m[2]!.trim() === '') throw optsError(`bad -o option '${arg}' (expected -o Key=Value)`)
  return { keyword: m[1]!.toLowerCase(), value: m[2]!.trim().replace(/^"(.*)"$/, '$1'), source: 'SSH_OPTS -o' }
}

function optsError(message: string): DisnixError {
  return new DisnixError('SSH_OPTS_INVALID', `ERROR: SSH_OPTS: ${message}`)
}
