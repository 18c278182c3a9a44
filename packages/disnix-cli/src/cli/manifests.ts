import { realpath } from 'node:fs/promises'
import { previousManifestPath, readManifest, type Manifest } from '@disnix-ts/libmanifest'
import type { ProgressSink } from '@disnix-ts/libmain'

export interface ManifestLocation {
  profile: string
  coordinatorProfilePath?: string
  user: string
}

/**
 * The previous manifest (-o, else the coordinator profile), announced as the original does. `known`:
 * a manifest the caller has read already with the same `defaultTarget` (the new one), by its real
 * path; when the previous manifest is that file (a redeployment of the same configuration), it is
 * not parsed again.
 */
export async function loadPreviousManifest(
  location: ManifestLocation & { oldManifest?: string },
  defaultTarget: string,
  progress: ProgressSink,
  known?: { path: string; manifest: Manifest },
): Promise<{ manifest?: Manifest; path?: string }> {
  const path = await previousManifestFile(location)
  if (path === undefined) return {}
  progress({ kind: 'message', text: `Using previous manifest: ${path}` })
  return { manifest: path === known?.path ? known.manifest : await readManifest(path, { defaultTarget }), path }
}

/**
 * The file of the previous manifest (-o, else the coordinator profile's), without reading it. The
 * profile link moves when this deployment sets it; messages and hints need the manifest itself.
 */
export async function previousManifestFile(location: ManifestLocation & { oldManifest?: string }): Promise<string | undefined> {
  const found = await previousManifestPath({ oldManifest: location.oldManifest, profile: location.profile, path: location.coordinatorProfilePath, user: location.user })
  return found === undefined ? undefined : realpath(found)
}

/** A manifest argument, or the last deployed one from the coordinator profile when it is omitted. */
export async function manifestArgumentOrLast(
  manifestPath: string | undefined,
  location: ManifestLocation,
  defaultTarget: string,
): Promise<{ manifest: Manifest; path: string }> {
  const path = manifestPath ?? (await previousManifestPath({ profile: location.profile, path: location.coordinatorProfilePath, user: location.user }))
  if (path === undefined) {
    const { DisnixError } = await import('@disnix-ts/libmain')
    throw new DisnixError('NO_MANIFEST', 'No manifest specified and no previous deployment is known!', {
      hint: 'give a manifest file, or deploy first (disnix-env)',
    })
  }
  return { manifest: await readManifest(path, { defaultTarget }), path }
}
