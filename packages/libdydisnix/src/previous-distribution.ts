import { previousManifestPath, readManifest, type Manifest } from '@disnix-ts/libmanifest'
import type { CandidateDistribution, CandidateMapping } from './candidate-distribution.js'

/**
 * The candidate distribution of a deployed manifest (the original's dydisnix-previous-distribution):
 * service name → the targets it runs on. A container is kept only when it differs from the service's
 * type (an auto-mapped service prints as a plain target name).
 */
export function previousDistribution(manifest: Manifest): CandidateDistribution {
  const result: CandidateDistribution = {}
  for (const mapping of manifest.serviceMappings) {
    const service = manifest.services[mapping.service]
    if (service === undefined) continue
    const entry: CandidateMapping = mapping.container === service.type ? { target: mapping.target } : { target: mapping.target, container: mapping.container }
    const list = (result[service.name] ??= [])
    if (!list.some((m) => m.target === entry.target && m.container === entry.container)) list.push(entry)
  }
  return result
}

/** The previous distribution of the manifest file at `path`. */
export async function readPreviousDistribution(path: string): Promise<CandidateDistribution> {
  return previousDistribution(await readManifest(path))
}

/**
 * The distribution of a manifest file, or of the last deployment of a profile when no file is given;
 * undefined when the profile has no deployment yet.
 */
export async function deployedDistribution(options: { manifest?: string; profile: string; coordinatorProfilePath?: string }): Promise<CandidateDistribution | undefined> {
  const path = options.manifest ?? (await previousManifestPath({ profile: options.profile, path: options.coordinatorProfilePath }))
  return path === undefined ? undefined : readPreviousDistribution(path)
}
