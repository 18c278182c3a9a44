import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { DisnixError } from '@disnix-ts/libmain'
import { clientFor, errorText, type DeployContext } from './deploy-context.js'

export interface CollectGarbageOptions extends DeployContext {
  infrastructure: Infrastructure
  /** Also delete the old generations of every profile first (`-d`). */
  deleteOld: boolean
}

/**
 * Runs the garbage collector on every target at once (spec §5.10). Fails after all ended when any
 * failed, naming those targets.
 */
export async function collectGarbageOnTargets(options: CollectGarbageOptions): Promise<void> {
  const { infrastructure, progress } = options
  const failed: string[] = []
  await Promise.all(
    Object.keys(infrastructure)
      .sort()
      .map(async (target) => {
        progress({ kind: 'step', target, step: 'collect garbage', status: 'start', text: 'Running garbage collector' })
        try {
          await clientFor(infrastructure[target]!, options).call({ op: 'collect-garbage', deleteOld: options.deleteOld === true })
          progress({ kind: 'step', target, step: 'collect garbage', status: 'done' })
        } catch (error) {
          failed.push(target)
          progress({ kind: 'step', target, step: 'collect garbage', status: 'failed', text: `Cannot collect garbage!\n${errorText(error)}` })
        }
      }),
  )
  if (failed.length > 0) throw new DisnixError('COLLECT_GARBAGE_FAILED', `Garbage collection failed on: ${failed.sort().join(', ')}`)
}
