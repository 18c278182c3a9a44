import { DisnixError, isDisnixError, silentProgress, type ProgressSink } from '@disnix-ts/libmain'
import { checkManifest } from './check-manifest.js'
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

/** Exit statuses of `disnix-compare-manifest`. */
export const COMPARE_EQUAL = 0
export const COMPARE_DIFFERENT = 1
export const COMPARE_INVALID = 2

/**
 * Compares a manifest with the previous one (spec §5.10): 0 when equal, 1 when different or when there
 * is no previous manifest. A manifest that cannot be read (missing, not XML, not version 2) is a
 * DisnixError with exit status 1, as in the original; one that fails validation has exit status 2.
 */
export async function compareWithPreviousManifest(options: CompareWithPreviousOptions): Promise<number> {
  const progress = options.progress ?? silentProgress
  const previous = await previousManifestPath(options)
  const next = await readForComparison(options.manifest)
  if (previous === undefined) {
    progress({ kind: 'message', text: 'No previous manifest exists, so the manifests are considered different' })
    return COMPARE_DIFFERENT
  }
  progress({ kind: 'message', text: `Using previous manifest: ${previous}` })
  return compareManifests(next, await readForComparison(previous)) ? COMPARE_EQUAL : COMPARE_DIFFERENT
}

async function readForComparison(path: string) {
  const manifest = await readManifest(path, { check: false })
  try {
    checkManifest(manifest, `The manifest: ${path}`)
  } catch (error) {
    if (isDisnixError(error)) throw new DisnixError(error.code, error.message, { hint: error.hint, exitCode: COMPARE_INVALID, cause: error })
    throw error
  }
  return manifest
}
