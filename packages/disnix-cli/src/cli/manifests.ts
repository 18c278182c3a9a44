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
 * the manifest the caller has read already (with the same `defaultTarget`) from a file, by its real
 * path, if any; such a manifest (a redeployment's new one is often the previous one too) is not
 * parsed again.
 */
export async function loadPreviousManifest(
  location: ManifestLocation & { oldManifest?: string },
  defaultTarget: string,
  progress: ProgressSink,
  known?: (realPath: string) => Promise<Manifest> | Manifest | undefined,
): Promise<{ manifest?: Manifest; path?: string }> {
  const path = await previousManifestFile(location)
  if (path === undefined) return {}
  progress({ kind: 'message', text: `Using previous manifest: ${path}` })
  return { manifest: await (known?.(path) ?? readManifest(path, { defaultTarget })), path }
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
