import { mkdtemp, rename, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'

/**
 * Writes a generated model: to `file` (atomically, so a reader never sees half a file and the file
 * may be an input of the same run), or to a new file in a fresh directory under `tmpdir`. Returns the
 * absolute path.
 */
export async function writeModelFile(text: string, options: { file?: string; tmpdir: string; prefix: string }): Promise<string> {
  if (options.file === undefined) {
    const dir = await mkdtemp(join(options.tmpdir, `dydisnix-${options.prefix}-`))
    const path = join(dir, `${options.prefix}.nix`)
    await writeFile(path, text)
    return path
  }
  const path = resolve(options.file)
  const temporary = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`)
  await writeFile(temporary, text)
  await rename(temporary, path)
  return path
}
