import { DisnixError, isValidName } from '@disnix-ts/libmain'

/**
 * How one field of a request is read from JSON (a `disnix-service` socket, a `--serve` frame): its
 * value checked and typed, or INVALID_REQUEST. Requests enter typed only through these.
 */
export interface Field<T> {
  read(value: unknown, name: string): T
}

/** Where the files of an import or export are: on the calling machine or already on the target. */
export type FileLocation = 'local' | 'remote'

/** Store paths, files or snapshot ids handed to a child as operands: none may look like an option. */
export const operands: Field<string[]> = {
  read: (value, name) => strings.read(value, name).map((item) => operand.read(item, name)),
}

export const operand: Field<string> = {
  read(value, name) {
    if (typeof value !== 'string' || value === '' || value.startsWith('-') || value.includes('\0')) {
      throw invalidRequest(`${name} must be a non-empty string that does not start with '-'`)
    }
    return value
  },
}

export const strings: Field<string[]> = {
  read(value, name) {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && !item.includes('\0'))) {
      throw invalidRequest(`${name} must be a list of strings`)
    }
    return value as string[]
  },
}

export const name: Field<string> = {
  read(value, field) {
    if (typeof value !== 'string' || value.includes('\0')) throw invalidRequest(`${field} must be a string`)
    return value
  },
}

/** A name that may be left out (a snapshot filter); an empty string counts as left out. */
export const optionalName: Field<string | undefined> = {
  read: (value, field) => (value === undefined || value === null || value === '' ? undefined : name.read(value, field)),
}

/** A command for the shell, when given. */
export const optionalText: Field<string | undefined> = {
  read: (value, field) => (value === undefined ? undefined : name.read(value, field)),
}

/**
 * A profile name, when given (the target otherwise uses its own default). Whether it can be a file
 * name is checked where it becomes one, with the command line's message (`checkProfile`).
 */
export const profileName: Field<string | undefined> = {
  read: (value, field) => (value === undefined ? undefined : name.read(value, field)),
}

/** A store path or file that may be left out. */
export const optionalOperand: Field<string | undefined> = {
  read: (value, field) => (value === undefined ? undefined : operand.read(value, field)),
}

/**
 * A name that becomes one component of a file name on the target (a container, a service key, a
 * secret): libmain's naming rule, so no separators, no `..`, no leading `-`.
 */
export const secretName: Field<string> = {
  read(value, field) {
    if (typeof value !== 'string' || !isValidName(value)) throw invalidRequest(`${field} must be a valid name`)
    return value
  },
}

/** A user or group name that may be left out (the owner of a secret). */
export const optionalSecretName: Field<string | undefined> = {
  read: (value, field) => (value === undefined ? undefined : secretName.read(value, field)),
}

/** A secret's content in a JSON request: base64, never shown. */
export const secretContent: Field<string | undefined> = {
  read(value, field) {
    if (value === undefined) return undefined
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw invalidRequest(`${field} must be base64 text`)
    return value
  },
}

export const flag: Field<boolean> = {
  read(value, field) {
    if (value === undefined) return false
    if (typeof value !== 'boolean') throw invalidRequest(`${field} must be true or false`)
    return value
  },
}

export const count: Field<number> = {
  read(value, field) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw invalidRequest(`${field} must be a whole number`)
    return value
  },
}

export const location: Field<FileLocation | undefined> = {
  read(value, field) {
    if (value === undefined || value === 'local' || value === 'remote') return value
    throw invalidRequest(`${field} must be "local" or "remote"`)
  },
}

/**
 * Profile names become file names (profile links, lock files): a valid name (libmain's rule), so no
 * path separators. The target's command line and its served requests refuse them alike.
 */
export function checkProfile(profile: string): string {
  if (!isValidName(profile)) {
    throw usageError(`ERROR: Invalid profile name: ${JSON.stringify(profile)}`)
  }
  return profile
}

/** A command-line mistake, with the original's message. */
export function usageError(message: string): DisnixError {
  return new DisnixError('USAGE', message)
}

export function invalidRequest(problem: string): DisnixError {
  return new DisnixError('INVALID_REQUEST', `Invalid request: ${problem}`)
}
