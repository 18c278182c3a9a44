import pLimit from 'p-limit'
import { DisnixError } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'
import { copyClosureTo } from '@disnix-ts/libpkgmgmt'
import { errorText, manifestClient, type DeployContext } from './deploy-context.js'

export interface DistributeOptions extends DeployContext {
  manifest: Manifest
  /** Closures transferred at once (-m). */
  maxConcurrentTransfers: number
}

export interface DistributeResult {
  /** Paths sent, per target. */
  copied: Record<string, string[]>
}

/**
 * Copies every target profile's closure to its target, sending only the paths it lacks (spec §5.2),
 * at most `maxConcurrentTransfers` at once. Fails after all transfers ended when any of them failed.
 */
export async function distribute(options: DistributeOptions): Promise<DistributeResult> {
  const { manifest, progress } = options
  const limit = pLimit(options.maxConcurrentTransfers)
  const copied: Record<string, string[]> = {}
  const failures: string[] = []
  await Promise.all(
    Object.entries(manifest.profiles).map(([targetName, profile]) =>
      limit(async () => {
        progress({ kind: 'step', target: targetName, step: 'distribute', status: 'start', text: `Receiving intra-dependency closure of profile: ${profile}` })
        try {
          const result = await copyClosureTo(manifestClient(manifest, targetName, options), [profile], {
            tmpdir: options.tmpdir,
            nixEnv: options.nixEnv,
            signal: options.signal,
          })
          copied[targetName] = result.copied
          progress({ kind: 'step', target: targetName, step: 'distribute', status: 'done' })
        } catch (error) {
          failures.push(targetName)
          progress({ kind: 'step', target: targetName, step: 'distribute', status: 'failed', text: `Cannot receive intra-dependency closure of profile: ${profile}\n${errorText(error)}` })
        }
      }),
    ),
  )
  if (failures.length > 0) {
    throw new DisnixError('DISTRIBUTE_FAILED', `Distributing the closures failed for: ${failures.sort().join(', ')}`)
  }
  return { copied }
}
