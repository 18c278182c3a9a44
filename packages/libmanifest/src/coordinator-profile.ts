import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import { coordinatorProfileDir, type CoordinatorProfileOptions } from '@disnix-ts/libnix'

// Where the coordinator profile lives is libnix's (with the target profiles); it stays part of this
// library's table of contents for the code that finds manifests.
export { coordinatorProfileDir, type CoordinatorProfileOptions }

/** The coordinator profile of a Disnix profile: `<dir>/<profile>`, a symlink to the last deployed manifest. */
export function coordinatorProfilePath(profile: string, options: CoordinatorProfileOptions = {}): string {
  return join(coordinatorProfileDir(options), profile)
}

export interface PreviousManifestOptions extends CoordinatorProfileOptions {
  /** `-o/--old-manifest`: used as is when given. */
  oldManifest?: string
  /** The Disnix profile name (`-p`). */
  profile: string
}

/**
 * The previous manifest (spec §5.1 `determine_manifest_to_open`): the `-o` file if given, else the
 * coordinator profile if it can be opened, else undefined (no previous deployment).
 */
export async function previousManifestPath(options: PreviousManifestOptions): Promise<string | undefined> {
  if (options.oldManifest !== undefined && options.oldManifest !== '') return options.oldManifest
  const path = coordinatorProfilePath(options.profile, options)
  try {
    await access(path)
    return path
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR') || hasErrorCode(error, 'EACCES')) return undefined
    throw error
  }
}
