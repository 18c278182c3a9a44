import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import { readConfigFile, type ConfigProperty } from './config-file.js'
import { fileAccessError } from './file-access-error.js'

export interface GenerateExprOptions {
  /** DYSNOMIA_PROPERTIES; skipped when the file does not exist. */
  propertiesFile: string
  containersPath: readonly string[]
  /** The environment the `$(...)` lines of the files are evaluated in. */
  env: NodeJS.ProcessEnv
  cwd?: string
}

/**
 * `dysnomia-containers --generate-expr`: the machine's properties and containers as a Nix attribute
 * set, in the original's exact layout (spec §5.4), without a trailing newline. Disnix captures this.
 *
 * QUIRK §5.4: the original pasted values into Nix strings unescaped (a `"` made invalid Nix) and
 * emitted a container or property defined twice twice (a Nix error); we escape every string, quote
 * container names that are not Nix identifiers, and emit each name once (the first container file
 * found on the path, the last assignment of a property, as the shell would see them).
 */
export async function generateExpr(options: GenerateExprOptions): Promise<string> {
  const out: string[] = ['{']
  const properties = (await isFile(options.propertiesFile))
    ? uniqueProperties(await readConfigFile(options.propertiesFile, { env: options.env, cwd: options.cwd }))
    : undefined
  if (properties !== undefined) {
    out.push('  properties = {')
    for (const property of properties) out.push(`    ${nixAttribute(property)}`)
    out.push('  };')
  }
  out.push('  containers = {')
  for (const { name, file } of await containerFiles(options.containersPath)) {
    const containerProperties = uniqueProperties(await readConfigFile(file, { env: options.env, cwd: options.cwd }))
    out.push(`    ${nixAttrName(name)} = {`)
    for (const property of containerProperties) {
      if (property.name !== 'type') out.push(`      ${nixAttribute(property)}`)
    }
    out.push('    };')
  }
  out.push('  };')
  const system = properties?.find((property) => property.name === 'system')
  if (system !== undefined) out.push(`  ${nixAttribute(system)}`)
  out.push('}')
  return out.join('\n')
}

/** The container configuration files on the path: first occurrence of each name, sorted per directory. */
export async function containerFiles(containersPath: readonly string[]): Promise<{ name: string; file: string }[]> {
  const found: { name: string; file: string }[] = []
  for (const dir of containersPath) {
    let names: string[]
    try {
      names = (await readdir(dir)).filter((name) => !name.startsWith('.')).sort()
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) continue
      throw fileAccessError(error, 'read directory', dir)
    }
    for (const name of names) {
      const file = join(dir, name)
      if (!found.some((entry) => entry.name === name) && (await isFile(file))) found.push({ name, file })
    }
  }
  return found
}

/** A Nix string literal: `"`, `\`, `${` and control characters escaped. */
export function nixString(value: string): string {
  const escaped = value
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('${', '\\${')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')
  return `"${escaped}"`
}

function nixAttribute(property: ConfigProperty): string {
  const value =
    typeof property.value === 'string' ? nixString(property.value) : `[ ${property.value.map((element) => `${nixString(element)} `).join('')}]`
  return `${nixString(property.name)} = ${value};`
}

const NIX_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/
const NIX_KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or'])

function nixAttrName(name: string): string {
  return NIX_IDENTIFIER.test(name) && !NIX_KEYWORDS.has(name) ? name : nixString(name)
}

/** Each name once, at its first position, with its last value. */
function uniqueProperties(properties: readonly ConfigProperty[]): ConfigProperty[] {
  const byName = new Map<string, ConfigProperty>()
  for (const property of properties) {
    const first = byName.get(property.name)
    byName.set(property.name, first === undefined ? property : { ...property, line: first.line })
  }
  return [...byName.values()].sort((a, b) => a.line - b.line)
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return false
    throw fileAccessError(error, 'read', path)
  }
}
