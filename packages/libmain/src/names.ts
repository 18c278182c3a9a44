import { InvalidArgumentError } from 'commander'
import { DisnixError } from './disnix-error.js'

/**
 * The naming rule for services, targets, containers and profiles (docs/basic-usage.md, "Names").
 * Names become file names on the targets (container configurations, snapshot directories, profile
 * links, lock files), store path names (target profiles), attribute names in generated models and
 * command-line arguments, so a name must never address another place (`/`, `..`), start an option
 * (`-`) or need quoting. nix/lib/names.nix holds the same rule for the models; a test keeps them equal.
 */
export const NAME_RULE = 'a name consists of letters, digits and the characters _ - . + and starts with a letter, a digit or _'

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/

export type NameKind = 'service' | 'target' | 'container' | 'profile'

export function isValidName(name: string): boolean {
  return NAME.test(name)
}

/**
 * A Dysnomia module type as a model or manifest may give it: a module name (the rule above) or an
 * absolute path without `.` or `..` components.
 */
export function isValidModuleType(type: string): boolean {
  return isValidName(type) || (type.startsWith('/') && !type.split('/').some((part) => part === '.' || part === '..') && !type.includes('\0'))
}

export const MODULE_TYPE_RULE = `a type is a Dysnomia module name (${NAME_RULE}) or an absolute path to a module`

/** `service "a;b" is not a valid name: …`, the same words as the model checks use. */
export function invalidNameMessage(kind: NameKind, name: string): string {
  return `${kind} ${JSON.stringify(name)} is not a valid name: ${NAME_RULE}`
}

/** Returns the name, or throws INVALID_NAME with `where` (a file, option or place) in front. */
export function checkName(kind: NameKind, name: string, where: string): string {
  if (!isValidName(name)) throw new DisnixError('INVALID_NAME', `${where}: ${invalidNameMessage(kind, name)}`)
  return name
}

/** commander argParser for -p/--profile (and DISNIX_PROFILE, which commander parses the same way). */
export function profileName(value: string): string {
  if (!isValidName(value)) throw new InvalidArgumentError(`expected a profile name (${NAME_RULE})`)
  return value
}
