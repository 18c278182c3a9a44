import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { compareBytes } from '@disnix-ts/libxmlmodel'

/**
 * A hash of the code of the Dynamic Disnix executables (the compiled files under `dirs`), which the
 * derivations of the external filters carry: Nix reuses a filter's result only while the code that
 * computed it is unchanged.
 */
export async function toolsFingerprint(dirs: readonly string[]): Promise<string> {
  const hash = createHash('sha256')
  for (const dir of dirs) {
    for (const file of await jsFiles(dir)) {
      hash.update(file)
      hash.update('\0')
      hash.update(await readFile(file))
    }
  }
  return hash.digest('hex').slice(0, 32)
}

async function jsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name))
    .sort(compareBytes)
}
