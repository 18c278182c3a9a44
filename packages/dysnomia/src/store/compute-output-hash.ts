import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { lstat, readdir, stat } from 'node:fs/promises'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { fileAccessError } from '../file-access-error.js'

/**
 * `sha256:<hex>` of a snapshot: the bytes of a regular file, or the serialization of a directory
 * (see {@link serializeDirectory}). Identical to the bash library's computeOutputHash.
 */
export async function computeOutputHash(path: string): Promise<string> {
  let info
  try {
    info = await stat(path)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) {
      throw new DisnixError('SNAPSHOT_NOT_FOUND', `Cannot compute the output hash of: ${path}`, { cause: error })
    }
    throw fileAccessError(error, 'read', path)
  }
  const hash = createHash('sha256')
  if (info.isFile() || info.isDirectory()) {
    try {
      if (info.isFile()) await hashFile(hash, path)
      else await serializeDirectory(path, (chunk) => hash.update(chunk))
    } catch (error) {
      const failed = typeof (error as { path?: unknown }).path === 'string' ? (error as { path: string }).path : path
      throw fileAccessError(error, 'read', failed)
    }
  } else {
    throw new DisnixError('SNAPSHOT_NOT_FOUND', `Cannot compute the output hash of: ${path}`)
  }
  return `sha256:${hash.digest('hex')}`
}

/**
 * Feeds the serialization of a directory to `write`: the listing `find .` would print (`.`, `./a`,
 * `./a/b`, one per line), an empty line, then the contents of every regular file in listing order.
 * QUIRK §3.2/B.8: the original lists in readdir order, so its checksums depend on the file system; we
 * sort the entries of each directory bytewise (pre-order). Single-file snapshots hash exactly as in
 * the original. Symlinks are listed but neither followed nor read, as `find` does.
 */
export async function serializeDirectory(dir: string, write: (chunk: Buffer) => void): Promise<void> {
  const root = Buffer.from(dir)
  const files: Buffer[] = []
  await listTree(root, Buffer.from('.'), files, write)
  write(Buffer.from('\n'))
  for (const relative of files) {
    for await (const chunk of createReadStream(joinBuffer(root, relative))) write(chunk as Buffer)
  }
}

async function listTree(root: Buffer, relative: Buffer, files: Buffer[], write: (chunk: Buffer) => void): Promise<void> {
  write(Buffer.concat([relative, Buffer.from('\n')]))
  const absolute = relative.equals(Buffer.from('.')) ? root : joinBuffer(root, relative)
  // The root itself is entered even when it is a symlink (the bash version cd's into it).
  const info = relative.equals(Buffer.from('.')) ? await stat(absolute) : await lstat(absolute)
  if (info.isFile()) {
    files.push(relative)
  } else if (info.isDirectory()) {
    const names = await readdir(absolute, { encoding: 'buffer' })
    names.sort(Buffer.compare)
    for (const name of names) await listTree(root, joinBuffer(relative, name), files, write)
  }
}

function joinBuffer(parent: Buffer, name: Buffer): Buffer {
  return Buffer.concat([parent, Buffer.from('/'), name])
}

async function hashFile(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
}
