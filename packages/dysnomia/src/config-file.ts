import { readFile } from 'node:fs/promises'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { fileAccessError } from './file-access-error.js'

/** One `name=value` line of a container, component, properties or user/group file. */
export interface ConfigProperty {
  name: string
  /** A scalar, or the elements of a bash array `name=("a" "b c")`. */
  value: string | readonly string[]
  /** 1-based line number in the file. */
  line: number
}

/** The result of reading one line without a shell. */
export type ParsedConfigLine =
  | { kind: 'blank' }
  | { kind: 'property'; name: string; value: string | string[] }
  /** The line needs bash: command substitution, variable or tilde expansion, globbing in an array. */
  | { kind: 'shell'; name: string }
  | { kind: 'invalid'; reason: string }

export interface ReadConfigOptions {
  /** The environment lines that need bash are evaluated in (the caller's shell variables in the original). */
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/**
 * Reads a configuration file of the original's format: one shell assignment per line. Each line is
 * evaluated on its own, as the original does; lines that need a shell run in bash, each in isolation.
 * Blank lines and `#` comments are allowed (the original fails on comments). A malformed line is a
 * `CONFIG_INVALID` error naming the file and line.
 */
export async function readConfigFile(path: string, options: ReadConfigOptions = {}): Promise<ConfigProperty[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'EISDIR') || hasErrorCode(error, 'ENOTDIR')) {
      throw new DisnixError('CONFIG_NOT_FOUND', `Cannot read configuration file: ${path}: ${(error as Error).message}`, { cause: error })
    }
    throw fileAccessError(error, 'read configuration file', path)
  }
  return evaluateConfigText(text, path, options)
}

/** Like {@link readConfigFile} on text already in memory; `source` names it in messages. */
export async function evaluateConfigText(text: string, source: string, options: ReadConfigOptions = {}): Promise<ConfigProperty[]> {
  const properties: ConfigProperty[] = []
  const lines = text.split('\n')
  for (const [index, raw] of lines.entries()) {
    const line = index + 1
    const parsed = parseConfigLine(raw)
    switch (parsed.kind) {
      case 'blank':
        break
      case 'invalid':
        throw new DisnixError('CONFIG_INVALID', `${source}, line ${line}: ${parsed.reason}: ${raw.trim()}`)
      case 'property':
        properties.push({ name: parsed.name, value: parsed.value, line })
        break
      case 'shell':
        properties.push({ name: parsed.name, value: await evaluateWithBash(raw.trim(), parsed.name, { ...options, source, line }), line })
        break
    }
  }
  return properties
}

/** The value as the module sees it in its environment: array elements joined with single spaces. */
export function propertyValueString(value: string | readonly string[]): string {
  return typeof value === 'string' ? value : value.join(' ')
}

/** The properties as environment variables (last occurrence wins), leaving out the names in `exclude`. */
export function propertiesToEnv(properties: readonly ConfigProperty[], exclude: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = {}
  for (const property of properties) {
    if (!exclude.includes(property.name)) env[property.name] = propertyValueString(property.value)
  }
  return env
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const BASH_VALUE_NAME = '__dysnomia_value'

/**
 * Parses one line natively: `k=v`, `k="v"` (backslash escapes), `k='v'`, concatenations of these,
 * `k=(a "b c")`, a trailing `# comment`. Anything that would need expansion is left to bash.
 */
export function parseConfigLine(raw: string): ParsedConfigLine {
  const text = raw.trim()
  if (text === '' || text.startsWith('#')) return { kind: 'blank' }
  const equals = text.indexOf('=')
  if (equals < 0) return { kind: 'invalid', reason: 'not an assignment of the form name=value' }
  const name = text.slice(0, equals)
  if (!NAME.test(name)) return { kind: 'invalid', reason: `invalid variable name '${name}'` }
  if (name === BASH_VALUE_NAME) return { kind: 'invalid', reason: `reserved variable name '${name}'` }
  const scanner = { text, pos: equals + 1 }
  try {
    let value: string | string[]
    if (text[scanner.pos] === '(') {
      scanner.pos++
      value = readArray(scanner)
    } else {
      value = readWord(scanner, false)
    }
    skipBlanks(scanner)
    if (scanner.pos < text.length && text[scanner.pos] !== '#') {
      throw new SyntaxError(`unexpected text after the value (quote values that contain spaces)`)
    }
    return { kind: 'property', name, value }
  } catch (error) {
    // Expansions are bash's business, including whatever syntax follows them.
    if (error === NEEDS_SHELL) return { kind: 'shell', name }
    if (error instanceof SyntaxError) return { kind: 'invalid', reason: error.message }
    throw error
  }
}

interface Scanner {
  text: string
  pos: number
}

const NEEDS_SHELL = Symbol('needs shell')

function skipBlanks(s: Scanner): void {
  while (s.pos < s.text.length && (s.text[s.pos] === ' ' || s.text[s.pos] === '\t')) s.pos++
}

function readArray(s: Scanner): string[] {
  const elements: string[] = []
  for (;;) {
    skipBlanks(s)
    if (s.pos >= s.text.length) throw new SyntaxError(`missing ')' at the end of the array`)
    if (s.text[s.pos] === ')') {
      s.pos++
      return elements
    }
    // A '#' at the start of an element begins a comment in bash; leave such lines to bash.
    if (s.text[s.pos] === '#') throw NEEDS_SHELL
    elements.push(readWord(s, true))
  }
}

function readWord(s: Scanner, inArray: boolean): string {
  let out = ''
  while (s.pos < s.text.length) {
    const c = s.text[s.pos] as string
    if (c === ' ' || c === '\t') break
    if (inArray && c === ')') break
    if (c === "'") {
      const end = s.text.indexOf("'", s.pos + 1)
      if (end < 0) throw new SyntaxError('unterminated single quote')
      out += s.text.slice(s.pos + 1, end)
      s.pos = end + 1
    } else if (c === '"') {
      out += readDoubleQuoted(s)
    } else if (c === '\\') {
      if (s.pos + 1 >= s.text.length) throw new SyntaxError('backslash at the end of the line')
      out += s.text[s.pos + 1]
      s.pos += 2
    } else if (c === '$' || c === '`' || c === '~' || (inArray && '*?[{'.includes(c))) {
      throw NEEDS_SHELL
    } else if (';&|<>()'.includes(c)) {
      throw new SyntaxError(`unquoted '${c}' (quote the value)`)
    } else {
      out += c
      s.pos++
    }
  }
  return out
}

/** Inside double quotes a backslash only escapes `$`, a backtick, `"` and `\` (as in bash). */
function readDoubleQuoted(s: Scanner): string {
  let out = ''
  s.pos++
  while (s.pos < s.text.length) {
    const c = s.text[s.pos] as string
    if (c === '"') {
      s.pos++
      return out
    }
    if (c === '\\' && s.pos + 1 < s.text.length && '$`"\\'.includes(s.text[s.pos + 1] as string)) {
      out += s.text[s.pos + 1]
      s.pos += 2
      continue
    }
    if (c === '$' || c === '`') throw NEEDS_SHELL
    out += c
    s.pos++
  }
  throw new SyntaxError('unterminated double quote')
}

// The line arrives as "$1" and is evaluated by `eval`, never pasted into this script. The value is
// printed NUL-separated (kind, element count, elements) so that any byte except NUL survives.
const EVALUATE_SCRIPT = `eval "$1" >&2
if ! declare -p -- "$2" >/dev/null 2>&1; then
  echo "the line does not assign $2" >&2
  exit 3
fi
declare -n ${BASH_VALUE_NAME}="$2"
if [[ \${${BASH_VALUE_NAME}@a} == *[aA]* ]]; then
  printf 'a\\0%s\\0' "\${#${BASH_VALUE_NAME}[@]}"
  if (( \${#${BASH_VALUE_NAME}[@]} > 0 )); then printf '%s\\0' "\${${BASH_VALUE_NAME}[@]}"; fi
else
  printf 's\\0%s\\0' "\${${BASH_VALUE_NAME}}"
fi
`

async function evaluateWithBash(
  text: string,
  name: string,
  options: ReadConfigOptions & { source: string; line: number },
): Promise<string | string[]> {
  const { execa } = await import('execa')
  const result = await execa('bash', ['-c', EVALUATE_SCRIPT, 'dysnomia-config', text, name], {
    env: options.env ?? {},
    extendEnv: false,
    cwd: options.cwd,
    stdin: 'ignore',
    reject: false,
    stripFinalNewline: false,
    encoding: 'utf8',
  })
  if (result.failed || result.exitCode !== 0) {
    const detail = String(result.stderr ?? '').trim().split('\n').slice(-3).join('; ') || (result.shortMessage ?? 'bash failed')
    throw new DisnixError('CONFIG_INVALID', `${options.source}, line ${options.line}: cannot evaluate: ${text}: ${detail}`)
  }
  const fields = String(result.stdout).split('\0')
  if (fields[0] === 'a') {
    const count = Number(fields[1])
    return fields.slice(2, 2 + count)
  }
  return fields[1] ?? ''
}
