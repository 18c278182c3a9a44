// Files of a test: components, configuration files, executables.
import { chmod, lstat, mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/** Writes a file (creating its parent dirs, readable by everybody); `mode` 0o755 makes it executable. */
export async function put(path: string, text: string, mode = 0o644): Promise<string> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 })
  await writeFile(path, text)
  await chmod(path, mode)
  return path
}

/** True if anything (a file, a directory, a dangling symlink) is at `path`. */
export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  )
}

/** Creates a component directory `<parent>/<name>` with the given files (relative path → content). */
export async function makeComponent(parent: string, name: string, files: Record<string, string>): Promise<string> {
  const dir = join(parent, name)
  await mkdir(dir, { recursive: true, mode: 0o755 })
  for (const [path, content] of Object.entries(files)) await put(join(dir, path), content)
  return dir
}
