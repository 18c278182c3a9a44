import pLimit from 'p-limit'
import { DisnixError, progressError, withPhase } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'
import { copyClosureTo } from '@disnix-ts/libpkgmgmt'
import { manifestClient, type DeployContext } from './deploy-context.js'
import { isTargetLoss, lossReason, lostReasons, TargetsLostError } from './target-loss.js'

export interface DistributeOptions extends DeployContext {
  manifest: Manifest
  /** Closures transferred at once (-m). */
  maxConcurrentTransfers: number
}

export interface DistributeResult {
  /** Paths sent, per target. */
  copied: Record<string, string[]>
  /** NAR bytes sent, per target. */
  bytes: Record<string, number>
}

/**
 * Copies every target profile's closure to its target, sending only the paths it lacks (spec §5.2),
 * at most `maxConcurrentTransfers` at once. Fails after all transfers ended when any of them failed:
 * a TargetsLostError when every failure was a target that could not be reached (nothing changed on
 * any target but the paths it received).
 */
export async function distribute(options: DistributeOptions): Promise<DistributeResult> {
  return withPhase(options.progress, 'distribute', () => distributeClosures(options))
}

async function distributeClosures(options: DistributeOptions): Promise<DistributeResult> {
  const { manifest, progress } = options
  const limit = pLimit(options.maxConcurrentTransfers)
  const copied: Record<string, string[]> = {}
  const bytes: Record<string, number> = {}
  const failures: string[] = []
  const lost = new Map<string, string>()
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
          bytes[targetName] = result.bytes ?? 0
          progress({ kind: 'step', target: targetName, step: 'distribute', status: 'done', bytes: bytes[targetName] })
        } catch (error) {
          failures.push(targetName)
          if (isTargetLoss(error)) lost.set(targetName, lossReason(error))
          progress({ kind: 'step', target: targetName, step: 'distribute', status: 'failed', text: `Cannot receive intra-dependency closure of profile: ${profile}`, error: progressError(error) })
        }
      }),
    ),
  )
  if (failures.length > 0 && lost.size === failures.length) {
    throw new TargetsLostError('distribute', lost, `Distributing the closures failed: ${lostReasons(lost)}`)
  }
  if (failures.length > 0) {
    throw new DisnixError('DISTRIBUTE_FAILED', `Distributing the closures failed for: ${failures.sort().join(', ')}`)
  }
  return { copied, bytes }
}
