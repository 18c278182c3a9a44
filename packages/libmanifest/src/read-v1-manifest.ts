import { DisnixError } from '@disnix-ts/libmain'
import { previousManifestPath } from './coordinator-profile.js'
import { parseV1ManifestXml, type V1Manifest } from './manifest-v1.js'
import { readManifestText } from './read-manifest.js'

export interface ReadV1ManifestOptions {
  /** The V1 manifest; default: the coordinator profile's manifest. */
  manifest?: string
  profile: string
  coordinatorProfilePath?: string
}

/** The version 1 manifest that `disnix-convert-manifest` converts: the given file, or the coordinator profile's. */
export async function readV1Manifest(options: ReadV1ManifestOptions): Promise<V1Manifest> {
  const path = await previousManifestPath({ oldManifest: options.manifest, profile: options.profile, path: options.coordinatorProfilePath })
  if (path === undefined) {
    throw new DisnixError('MANIFEST_NOT_FOUND', 'No manifest was given and the coordinator profile holds no previous manifest to convert')
  }
  return parseV1ManifestXml(await readManifestText(path), path)
}
