import { withPhase } from '@disnix-ts/libmain'
import { snapshotMappingKey, type SnapshotMapping } from '@disnix-ts/libmanifest'
import { type StateOptions } from './state-context.js'
import { stateFailure } from './state-failure.js'
import { resolveStateMappings, type StateMapping } from './state-mappings.js'
import { selectSnapshotMappings } from './select-state-mappings.js'
import { cleanMappingSnapshots, runStateActivity } from './state-activity.js'
import { runPerCore } from './run-per-core.js'
import { runPerTarget } from './run-per-target.js'
import { retrieveSnapshots } from './transfer-snapshots.js'

/** What a state step did. */
export interface StateResult {
  /** The snapshot mappings it worked on. */
  mappings: SnapshotMapping[]
  /** Snapshots that went over the network (relative ids). */
  transferred: string[]
  bytes: number
}

/**
 * disnix-snapshot (spec §6.3): snapshots the selected state on the targets (per core, all targets at
 * once) and retrieves the snapshots into the coordinator's store (per target, `-m` targets at once).
 * Depth-first: per target, one service at a time snapshot → retrieve → clean old snapshots (`--keep`).
 * Throws a DisnixError naming every mapping that failed.
 */
export async function snapshotServices(options: StateOptions): Promise<StateResult> {
  return withPhase(options.progress, 'snapshot', () => snapshotSelected(options))
}

async function snapshotSelected(options: StateOptions): Promise<StateResult> {
  const { progress } = options
  const selection = selectSnapshotMappings(options.manifest, options.oldManifest, options.noUpgrade ?? false)
  if (selection === undefined) {
    progress({ kind: 'message', text: 'No snapshots are taken since an upgrade is requested and no previous deployment state is known' })
    return { mappings: [], transferred: [], bytes: 0 }
  }
  const items = resolveStateMappings(selection.mappings, selection.services, options.manifest.infrastructure, options)
  const result: StateResult = { mappings: items.map((item) => item.mapping), transferred: [], bytes: 0 }
  if (items.length === 0) return result
  const taken = new Set((options.snapshotted ?? []).map(snapshotMappingKey))
  const snapshot = async (item: StateMapping) => {
    if (!taken.has(snapshotMappingKey(item.mapping))) await runStateActivity(item, 'snapshot', options)
  }
  const retrieve = async (item: StateMapping) => {
    const transfer = await retrieveSnapshots(item, options)
    result.transferred.push(...transfer.transferred)
    result.bytes += transfer.bytes
  }

  if (options.depthFirst) {
    const failures = await runPerTarget(
      items,
      options.maxConcurrentTransfers ?? 2,
      async (item) => {
        await snapshot(item)
        await retrieve(item)
        await cleanMappingSnapshots(item, options.keep ?? 1, options)
      },
      options.signal,
    )
    if (failures.length > 0) throw stateFailure('SNAPSHOT_FAILED', 'Snapshotting the state of services failed:', failures, 'snapshot')
    return result
  }

  if (!options.transferOnly) {
    const failures = await runPerCore(items, snapshot, options.signal)
    if (failures.length > 0) throw stateFailure('SNAPSHOT_FAILED', 'Snapshotting the state of services failed:', failures, 'snapshot')
  }
  progress({ kind: 'message', text: 'Retrieving snapshots...' })
  const failures = await runPerTarget(items, options.maxConcurrentTransfers ?? 2, retrieve, options.signal)
  if (failures.length > 0) throw stateFailure('SNAPSHOT_TRANSFER_FAILED', 'Retrieving the snapshots failed:', failures, 'retrieve')
  return result
}
