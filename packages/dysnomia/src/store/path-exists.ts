import { lstat } from 'node:fs/promises'
import { hasErrorCode } from '@disnix-ts/libmain'
import { fileAccessError } from '../file-access-error.js'

/** True when something (even a dangling symlink) exists at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return false
    throw fileAccessError(error, 'look for', path)
  }
}
