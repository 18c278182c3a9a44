import { DisnixError } from '@disnix-ts/libmain'
import { pathExists } from './path-exists.js'

/**
 * `<stateDir>/snapshots/<relative>`, for a relative snapshot path `<container>/<component>/<id>`:
 * exactly three names, none of them empty, `.` or `..`, so that it stays one snapshot of the store.
 */
export function resolveSnapshot(stateDir: string, relative: string): string {
  const parts = relative.split('/')
  if (parts.length !== 3 || parts.some((part) => part === '' || part === '.' || part === '..' || part.includes('\0'))) {
    throw new DisnixError('SNAPSHOT_PATH_INVALID', `Invalid relative snapshot path: '${relative}' (expected <container>/<component>/<id>)`)
  }
  return `${stateDir}/snapshots/${relative}`
}

/** The relative snapshot paths (in the given order) that do not exist in the store. */
export async function findMissingSnapshots(stateDir: string, relatives: readonly string[]): Promise<string[]> {
  const resolved = relatives.map((relative) => resolveSnapshot(stateDir, relative))
  const missing: string[] = []
  for (const [index, path] of resolved.entries()) {
    if (!(await pathExists(path))) missing.push(relatives[index] ?? path)
  }
  return missing
}
