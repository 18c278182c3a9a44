import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { DisnixError } from '@disnix-ts/libmain'
import { errorText, stateClient, type StateContext } from './state-context.js'

export interface CleanTargetSnapshotsOptions extends StateContext {
  infrastructure: Infrastructure
  /** Generations kept per component (default 1). */
  keep: number
  container?: string
  component?: string
}

/**
 * disnix-clean-snapshots (spec §6.5): on every target at once, removes all but the latest `keep`
 * snapshot generations of every (or the selected) component. Fails after all targets ran when any of
 * them failed.
 */
export async function cleanTargetSnapshots(options: CleanTargetSnapshotsOptions): Promise<void> {
  const { progress } = options
  const failures: string[] = []
  await Promise.all(
    Object.entries(options.infrastructure).map(async ([name, target]) => {
      progress({ kind: 'step', target: name, step: 'clean-snapshots', status: 'start', text: 'Running snapshot garbage collector!' })
      try {
        await stateClient(target, options).call({ op: 'clean-snapshots', keep: options.keep, container: options.container, component: options.component })
        progress({ kind: 'step', target: name, step: 'clean-snapshots', status: 'done' })
      } catch (error) {
        failures.push(name)
        progress({ kind: 'step', target: name, step: 'clean-snapshots', status: 'failed', text: `Cannot clean the snapshots\n${errorText(error)}` })
      }
    }),
  )
  if (failures.length > 0) throw new DisnixError('CLEAN_SNAPSHOTS_FAILED', `Cleaning the snapshots failed on: ${failures.sort().join(', ')}`)
}
