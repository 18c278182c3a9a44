/**
 * Property names that look secret: a property whose name contains one of these words (ignoring case)
 * is a secret, and its value is shown as `***` in every output (progress lines, job logs, error
 * messages). Users add words with DISNIX_SECRET_PROPERTIES (comma-separated), read by the sessions.
 */
export const SECRET_PROPERTY_WORDS: readonly string[] = ['password', 'secret', 'token', 'key', 'credentials', 'passphrase']

/** What a shown secret value becomes. */
export const REDACTED = '***'

/** The environment variable that extends {@link SECRET_PROPERTY_WORDS}. */
export const SECRET_PROPERTIES_ENV = 'DISNIX_SECRET_PROPERTIES'

/** Its line in a tool's Environment help. */
export const SECRET_PROPERTIES_HELP = {
  name: SECRET_PROPERTIES_ENV,
  meaning: `Extra comma-separated words: a property whose name contains one of them (or ${SECRET_PROPERTY_WORDS.join(', ')}; any case) has its value shown as ***`,
} as const

/** The built-in words plus those of DISNIX_SECRET_PROPERTIES in the given environment. */
export function secretPropertyWords(env: NodeJS.ProcessEnv): string[] {
  const extra = (env[SECRET_PROPERTIES_ENV] ?? '')
    .split(',')
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word !== '')
  return [...new Set([...SECRET_PROPERTY_WORDS, ...extra])]
}

/** Whether a property of this name holds a secret: its name contains one of the words, in any case. */
export function isSecretProperty(name: string, words: readonly string[] = SECRET_PROPERTY_WORDS): boolean {
  const lower = name.toLowerCase()
  return words.some((word) => word !== '' && lower.includes(word.toLowerCase()))
}

/** A `name=value` argument with its value shown as `***` when the name is secret. */
export function maskArgument(argument: string, words: readonly string[] = SECRET_PROPERTY_WORDS): string {
  const at = argument.indexOf('=')
  if (at < 0) return argument
  return isSecretProperty(argument.slice(0, at), words) ? `${argument.slice(0, at + 1)}${REDACTED}` : argument
}

export function maskArguments(args: readonly string[], words: readonly string[] = SECRET_PROPERTY_WORDS): string[] {
  return args.map((argument) => maskArgument(argument, words))
}

/** The properties of a record with the values of secret ones shown as `***`. */
export function maskProperties<T>(properties: Readonly<Record<string, T>>, words: readonly string[] = SECRET_PROPERTY_WORDS): Record<string, T | typeof REDACTED> {
  return Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, isSecretProperty(name, words) ? REDACTED : value]))
}

/**
 * The values among an activity's container arguments (`name=value`) that must never be shown, with
 * the words a session read (`secretProperties`; the built-in words without one). What every library
 * that calls a client interface with arguments passes as the call's secrets.
 */
export function argumentSecrets(args: readonly string[], context: { secretProperties?: readonly string[] }): string[] {
  return secretValues(args, context.secretProperties)
}

/** The values of the secret `name=value` arguments: what {@link redact} must hide in free text. */
export function secretValues(args: readonly string[], words: readonly string[] = SECRET_PROPERTY_WORDS): string[] {
  const values: string[] = []
  for (const argument of args) {
    const at = argument.indexOf('=')
    if (at >= 0 && isSecretProperty(argument.slice(0, at), words) && argument.length > at + 1) values.push(argument.slice(at + 1))
  }
  return values
}
