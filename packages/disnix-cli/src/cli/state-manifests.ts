import { realpath } from 'node:fs/promises'
import { resolve } from 'node:path'
import { didYouMean, DisnixError, type ProgressSink } from '@disnix-ts/libmain'
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
  if (previous === undefined) {
    if (manifest.snapshotMappings.length === 0) await checkFilter([manifestPath], options)
    return { manifest, manifestPath, lastDeployed: manifestArg === undefined }
  }
  const oldManifestPath = options.oldManifest ? resolve(options.oldManifest) : await realpath(previous)
  options.progress({ kind: 'message', text: `Using previous manifest: ${oldManifestPath}` })
  const oldManifest = await readManifest(oldManifestPath, { defaultTarget: options.hostname, filter })
  if (manifest.snapshotMappings.length === 0 && oldManifest.snapshotMappings.length === 0) await checkFilter([manifestPath, oldManifestPath], options)
  return { manifest, manifestPath, lastDeployed: manifestArg === undefined, oldManifest, oldManifestPath }
}

/**
 * A -c/-C filter that selects nothing: a misspelled name is an error with a suggestion, rather than
 * a run that silently does nothing.
 */
async function checkFilter(manifestPaths: readonly string[], options: StateManifestOptions): Promise<void> {
  if (options.container === undefined && options.component === undefined) return
  const manifests = await Promise.all(manifestPaths.map((path) => readManifest(path, { defaultTarget: options.hostname })))
  const all = { snapshotMappings: manifests.flatMap((m) => m.snapshotMappings) }
  const check = (what: string, value: string | undefined, known: string[]) => {
    if (value === undefined || known.includes(value)) return
    throw new DisnixError('NO_SUCH_SERVICE', `The deployment has no stateful service with ${what}: ${value}${didYouMean(value, known)}`, {
      hint: known.length === 0 ? 'it has no stateful services (deployState)' : `its stateful services' ${what}s are: ${[...new Set(known)].sort().join(', ')}`,
    })
  }
  check('component', options.component, all.snapshotMappings.map((m) => m.component))
  check('container', options.container, all.snapshotMappings.map((m) => m.container))
}
