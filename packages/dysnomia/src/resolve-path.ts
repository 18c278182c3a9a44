import { realpath } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import { fileAccessError } from './file-access-error.js'

/** True for the forms the original treats as paths rather than names: `/...` and `./...`. */
export function isPathReference(value: string): boolean {
  return value.startsWith('/') || value.startsWith('./')
}

/**
 * `readlink -f`: the absolute path with every symlink resolved; a missing tail is kept as written
 * under the resolved existing part, so the result is absolute even when the file does not exist.
 */
export async function canonicalPath(path: string, cwd: string = process.cwd()): Promise<string> {
  const absolute = resolve(cwd, path)
  try {
    return await realpath(absolute)
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT') && !hasErrorCode(error, 'ENOTDIR')) throw fileAccessError(error, 'resolve the path', absolute)
    const parent = dirname(absolute)
    if (parent === absolute) return absolute
    return join(await canonicalPath(parent, cwd), basename(absolute))
  }
}

/**
 * The canonical path of a file that exists (realpath), or undefined when it does not: one lookup
 * where {@link canonicalPath} and a `stat` would make two.
 */
export async function existingCanonicalPath(path: string, cwd: string = process.cwd()): Promise<string | undefined> {
  const absolute = resolve(cwd, path)
  try {
    return await realpath(absolute)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return undefined
    throw fileAccessError(error, 'resolve the path', absolute)
  }
}
