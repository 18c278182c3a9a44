import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, open } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Creates an empty file `<dir>/<prefix>XXXXXX` (like mktemp) with mode 0600 and returns its path. */
export async function createTempFile(dir: string, prefix = 'disnix.', length = 6): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, prefix + randomName(length))
    try {
      const handle = await open(path, 'wx', 0o600)
      await handle.close()
      return path
    } catch (error) {
      if (!hasErrorCode(error, 'EEXIST') || attempt > 100) throw error
    }
  }
}

/** Creates a fresh directory `<dir>/<prefix>XXXXXX` (mode 0700) and returns its path. */
export async function createTempDir(dir: string, prefix = 'disnix.'): Promise<string> {
  return mkdtemp(join(dir, prefix))
}

/** Makes sure the temp dir exists (disnix-tmpfile creates a missing $TMPDIR, as the original). */
export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
}

function randomName(length: number): string {
  const bytes = randomBytes(length)
  let name = ''
  for (const byte of bytes) name += LETTERS[byte % LETTERS.length]
  return name
}
