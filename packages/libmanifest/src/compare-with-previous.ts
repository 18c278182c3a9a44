import { silentProgress, type ProgressSink } from '@disnix-ts/libmain'
import { compareManifests } from './compare-manifests.js'
import { previousManifestPath, type CoordinatorProfileOptions } from './coordinator-profile.js'
import { readManifest } from './read-manifest.js'

export interface CompareWithPreviousOptions extends CoordinatorProfileOptions {
  /** The new manifest. */
  manifest: string
  /** `-o`: the manifest to compare with instead of the coordinator profile. */
  oldManifest?: string
  profile: string
  progress?: ProgressSink
}

/**
 * Compares a manifest with the previous one (spec §5.10): `different` also when there is no previous
 * manifest. A manifest that cannot be read throws MANIFEST_NOT_FOUND, MANIFEST_INVALID or
 * MANIFEST_VERSION; one that is read but inconsistent, MANIFEST_INCONSISTENT.
 */
export async function compareWithPreviousManifest(options: CompareWithPreviousOptions): Promise<'equal' | 'different'> {
  const progress = options.progress ?? silentProgress
  const previous = await previousManifestPath(options)
  const next = await readManifest(options.manifest)
  if (previous === undefined) {
    progress({ kind: 'message', text: 'No previous manifest exists, so the manifests are considered different' })
    return 'different'
  }
  progress({ kind: 'message', text: `Using previous manifest: ${previous}` })
  return compareManifests(next, await readManifest(previous)) ? 'equal' : 'different'
}
