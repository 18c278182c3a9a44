import { join } from 'node:path'
import pLimit from 'p-limit'
import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { emptyManifest, readProfileManifest, type Manifest } from '@disnix-ts/libmanifest'
import { copyClosureFrom } from '@disnix-ts/libpkgmgmt'
import { clientFor, errorText, type DeployContext } from './deploy-context.js'

export interface CaptureManifestOptions extends DeployContext {
  infrastructure: Infrastructure
  profile: string
  /** Closures retrieved at once (-m). */
  maxConcurrentTransfers: number
}

export interface CapturedManifest {
  manifest: Manifest
  /** Targets whose profile could not be found or retrieved; they are left out of the manifest. */
  failed: string[]
}

/** Where a target keeps its Disnix profiles (the target side runs as root). */
const TARGET_PROFILES = '/nix/var/nix/profiles/disnix'

/**
 * Reconstructs the deployment manifest from what the targets have installed (spec §5.10): each
 * target's profile path (its closure's root), the profile closure copied here (at most
 * `maxConcurrentTransfers` at once), then its profile manifest, combined with the infrastructure.
 * Targets that fail are reported and left out, as in the original.
 *
 * QUIRK §10/9: the original parses each profile manifest before the profile has been copied to this
 * machine (so it only works when the paths happen to be here already) and retrieves every closure
 * through the global client interface; we copy first, then read, each through its target's own interface.
 */
export async function captureManifest(options: CaptureManifestOptions): Promise<CapturedManifest> {
  const { infrastructure, profile, progress } = options
  const names = Object.keys(infrastructure).sort()
  const failed: string[] = []
  const fail = (target: string, text: string, error: unknown) => {
    failed.push(target)
    progress({ kind: 'step', target, step: 'capture manifest', status: 'failed', text: `${text}\n${errorText(error)}` })
  }

  progress({ kind: 'message', text: 'Querying the profiles of the targets...' })
  const profiles = await Promise.all(
    names.map(async (target) => {
      try {
        const closure = await clientFor(infrastructure[target]!, options).call({ op: 'query-requisites', paths: [`${TARGET_PROFILES}/${profile}`] })
        const path = closure.at(-1)
        if (path === undefined) throw new Error('the target returned no paths')
        return { target, path }
      } catch (error) {
        fail(target, `Cannot query the profile: ${profile}!`, error)
        return undefined
      }
    }),
  )

  progress({ kind: 'message', text: 'Retrieving the profiles of the targets...' })
  const limit = pLimit(options.maxConcurrentTransfers)
  const retrieved = await Promise.all(
    profiles.map((entry) =>
      entry === undefined
        ? undefined
        : limit(async () => {
            try {
              progress({ kind: 'step', target: entry.target, step: 'retrieve profile', status: 'start', text: `Sending intra-dependency closure of profile: ${entry.path}` })
              await copyClosureFrom(clientFor(infrastructure[entry.target]!, options), [entry.path], { tmpdir: options.tmpdir, nixEnv: options.nixEnv, signal: options.signal })
              const profileManifest = await readProfileManifest(join(entry.path, 'profilemanifest.xml'), { defaultTarget: entry.target })
              progress({ kind: 'step', target: entry.target, step: 'retrieve profile', status: 'done' })
              return { ...entry, profileManifest }
            } catch (error) {
              fail(entry.target, `Cannot retrieve the profile: ${entry.path}!`, error)
              return undefined
            }
          }),
    ),
  )

  const manifest = emptyManifest()
  manifest.infrastructure = infrastructure
  for (const entry of retrieved) {
    if (entry === undefined) continue
    manifest.profiles[entry.target] = entry.path
    Object.assign(manifest.services, entry.profileManifest.services)
    manifest.serviceMappings.push(...entry.profileManifest.serviceMappings)
    manifest.snapshotMappings.push(...entry.profileManifest.snapshotMappings)
  }
  return { manifest, failed: failed.sort() }
}
