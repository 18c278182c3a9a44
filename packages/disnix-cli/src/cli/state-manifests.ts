import { realpath } from 'node:fs/promises'
import { resolve } from 'node:path'
import { DisnixError, type ProgressSink } from '@disnix-ts/libmain'
import { previousManifestPath, readManifest, type Manifest } from '@disnix-ts/libmanifest'

export interface StateManifestOptions {
  profile: string
  coordinatorProfilePath?: string
  oldManifest?: string
  container?: string
  component?: string
  user: string
  hostname: string
  progress: ProgressSink
}

export interface StateManifests {
  manifest: Manifest
  manifestPath: string
  /** True when no manifest was given and the last deployed one is used. */
  lastDeployed: boolean
  oldManifest?: Manifest
  oldManifestPath?: string
}

/**
 * The manifests of a state tool, with the -c/-C filters applied as they are loaded (spec §6.2): the
 * given manifest (or the last deployed one) and the previous one (-o, else the coordinator profile).
 */
export async function loadStateManifests(manifestArg: string | undefined, options: StateManifestOptions): Promise<StateManifests> {
  const location = { profile: options.profile, path: options.coordinatorProfilePath, user: options.user }
  const filter = { container: options.container, component: options.component }
  const previous = await previousManifestPath({ ...location, oldManifest: options.oldManifest })
  const manifestPath = manifestArg === undefined ? await previousManifestPath(location) : resolve(manifestArg)
  if (manifestPath === undefined) {
    throw new DisnixError('NO_MANIFEST', 'No manifest specified and no previous deployment is known!', {
      hint: 'give a manifest file, or deploy first (disnix-env)',
    })
  }
  const manifest = await readManifest(manifestPath, { defaultTarget: options.hostname, filter })
  if (previous === undefined) return { manifest, manifestPath, lastDeployed: manifestArg === undefined }
  const oldManifestPath = options.oldManifest ? resolve(options.oldManifest) : await realpath(previous)
  options.progress({ kind: 'message', text: `Using previous manifest: ${oldManifestPath}` })
  const oldManifest = await readManifest(oldManifestPath, { defaultTarget: options.hostname, filter })
  return { manifest, manifestPath, lastDeployed: manifestArg === undefined, oldManifest, oldManifestPath }
}
