import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'

export interface KeepEquivalentDeploymentOptions {
  manifest: Manifest
  manifestPath: string
  /** The deployed configuration (the coordinator profile's manifest or -o). */
  oldManifest?: Manifest
  oldManifestPath?: string
}

export interface DeploymentToUse {
  manifest: Manifest
  manifestPath: string
  /** True when the deployed manifest is used instead of the new one. */
  keptDeployed: boolean
}

/**
 * The manifest to deploy: the deployed one when the new manifest describes exactly the deployed
 * configuration, otherwise the new one. "Exactly" means: the new manifest's bytes equal the deployed
 * manifest's once each target profile's store path is replaced by the deployed one, and every such
 * profile holds the same entries, linking to the same files, with a byte-identical profile manifest.
 *
 * The store paths of two such profiles differ when they were built by different derivations: a
 * deployment made by the original Disnix (whose profile manifests come out of its own stylesheet
 * build), or one made before a package-set update that changed how profiles are built but not what
 * they hold. Keeping the deployed manifest then copies nothing, activates nothing and adds no profile
 * generation anywhere, where the original would send and set a new profile on every target.
 */
export async function keepEquivalentDeployment(options: KeepEquivalentDeploymentOptions): Promise<DeploymentToUse> {
  const { manifest, manifestPath, oldManifest, oldManifestPath } = options
  const asIs = { manifest, manifestPath, keptDeployed: false }
  if (oldManifest === undefined || oldManifestPath === undefined || oldManifestPath === manifestPath) return asIs

  const targets = Object.keys(manifest.profiles)
  const oldTargets = Object.keys(oldManifest.profiles)
  if (targets.length !== oldTargets.length || targets.some((target) => oldManifest.profiles[target] === undefined)) return asIs

  // The cheap test first: the manifests' text, which any change of the configuration alters.
  const [text, oldText] = await Promise.all([readFile(manifestPath, 'utf8'), readFile(oldManifestPath, 'utf8')])
  let withDeployedProfiles = text
  for (const target of targets) withDeployedProfiles = withDeployedProfiles.replaceAll(manifest.profiles[target] as string, oldManifest.profiles[target] as string)
  if (withDeployedProfiles !== oldText) return asIs

  for (const target of targets) {
    const profile = manifest.profiles[target] as string
    const deployed = oldManifest.profiles[target] as string
    if (profile !== deployed && !(await sameContents(profile, deployed))) return asIs
  }
  return { manifest: oldManifest, manifestPath: oldManifestPath, keptDeployed: true }
}

/**
 * Whether two profile trees hold the same entries: the same directories, links to the same paths,
 * and where links differ (the profile manifest of each), files with the same bytes. A missing tree
 * (a profile that was garbage collected) is never the same.
 */
async function sameContents(a: string, b: string): Promise<boolean> {
  let entriesA: string[]
  let entriesB: string[]
  try {
    ;[entriesA, entriesB] = await Promise.all([readdir(a), readdir(b)])
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return false
    throw error
  }
  entriesA.sort()
  entriesB.sort()
  if (entriesA.length !== entriesB.length || entriesA.some((name, i) => name !== entriesB[i])) return false
  for (const name of entriesA) {
    const [pathA, pathB] = [join(a, name), join(b, name)]
    const [statA, statB] = await Promise.all([lstat(pathA), lstat(pathB)])
    if (statA.isSymbolicLink() && statB.isSymbolicLink()) {
      if ((await readlink(pathA)) !== (await readlink(pathB)) && !(await sameFile(pathA, pathB))) return false
    } else if (statA.isDirectory() && statB.isDirectory()) {
      if (!(await sameContents(pathA, pathB))) return false
    } else if (!(statA.isFile() && statB.isFile() && (await sameFile(pathA, pathB)))) return false
  }
  return true
}

/** Whether two paths (links followed) are regular files with the same bytes and permissions. */
async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    const [statA, statB] = await Promise.all([stat(a), stat(b)])
    if (!statA.isFile() || !statB.isFile() || statA.size !== statB.size || (statA.mode & 0o111) !== (statB.mode & 0o111)) return false
    const [bytesA, bytesB] = await Promise.all([readFile(a), readFile(b)])
    return bytesA.equals(bytesB)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return false
    throw error
  }
}
