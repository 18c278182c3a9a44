import { DisnixError } from '@disnix-ts/libmain'

/** The causes of file system failures that come from the user's files and permissions, not from a bug. */
const CAUSES: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a component of the path is not a directory',
  EISDIR: 'it is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
}

/**
 * What to throw for a failed file system call on `path`: for a failure the user can act on (a
 * permission, a file where a directory belongs, a symlink loop) a FILE_ACCESS DisnixError, one line
 * naming the step, the path and the cause; anything else is returned unchanged (a bug, printed with
 * its stack). Callers handle the codes that are not errors for them (ENOENT) before calling this.
 */
export function fileAccessError(error: unknown, step: string, path: string): unknown {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  const cause = typeof code === 'string' ? CAUSES[code] : undefined
  if (cause === undefined) return error
  return new DisnixError('FILE_ACCESS', `Cannot ${step}: ${path}: ${cause}`, { cause: error })
}
