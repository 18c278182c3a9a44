import { type StateOptions } from './state-context.js'
import { stateFailure } from './state-failure.js'
import { resolveStateMappings, type StateMapping } from './state-mappings.js'
import { selectRestoreMappings } from './select-state-mappings.js'
import { cleanMappingSnapshots, runStateActivity } from './state-activity.js'
import { runPerCore } from './run-per-core.js'
import { runPerTarget } from './run-per-target.js'
import { sendSnapshots } from './transfer-snapshots.js'
import type { StateResult } from './snapshot-services.js'

/**
 * disnix-restore (spec §6.4): sends the latest (or every) snapshot of the selected state from the
 * coordinator's store to the targets (per target, `-m` at once), then restores it (per core, all
 * targets at once). Depth-first: per target, one service at a time send → restore → clean (`--keep`).
 * A corrupt snapshot in the coordinator's store is refused before it is sent (SNAPSHOT_CORRUPT).
 */
export async function restoreServices(options: StateOptions): Promise<StateResult> {
  const selection = selectRestoreMappings(options.manifest, options.oldManifest, options.noUpgrade ?? false)
  const items = resolveStateMappings(selection.mappings, selection.services, options.manifest.infrastructure, options)
  const result: StateResult = { mappings: items.map((item) => item.mapping), transferred: [], bytes: 0 }
  if (items.length === 0) return result
  const send = async (item: StateMapping) => {
    const transfer = await sendSnapshots(item, options)
    result.transferred.push(...transfer.transferred)
    result.bytes += transfer.bytes
  }

  if (options.depthFirst) {
    const failures = await runPerTarget(
      items,
      options.maxConcurrentTransfers ?? 2,
      async (item) => {
        await send(item)
        await runStateActivity(item, 'restore', options)
        await cleanMappingSnapshots(item, options.keep ?? 1, options)
      },
      options.signal,
    )
    if (failures.length > 0) throw stateFailure('RESTORE_FAILED', 'Restoring the state of services failed:', failures)
    return result
  }

  options.progress({ kind: 'message', text: 'Sending snapshots...' })
  const sendFailures = await runPerTarget(items, options.maxConcurrentTransfers ?? 2, send, options.signal)
  if (sendFailures.length > 0) throw stateFailure('SNAPSHOT_TRANSFER_FAILED', 'Sending the snapshots failed:', sendFailures)
  if (!options.transferOnly) {
    const failures = await runPerCore(items, (item) => runStateActivity(item, 'restore', options), options.signal)
    if (failures.length > 0) throw stateFailure('RESTORE_FAILED', 'Restoring the state of services failed:', failures)
  }
  return result
}
