import { withPhase } from '@disnix-ts/libmain'
import { describeLocalSnapshot, formatSnapshotOrigin, type SnapshotTransferResult } from '@disnix-ts/libstatemgmt'
import { snapshotStoreEnv, type StateOptions } from './state-context.js'
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
  return withPhase(options.progress, 'restore', () => restoreSelected(options))
}

async function restoreSelected(options: StateOptions): Promise<StateResult> {
  const selection = selectRestoreMappings(options.manifest, options.oldManifest, options.noUpgrade ?? false)
  const items = resolveStateMappings(selection.mappings, selection.services, options.manifest.infrastructure, options)
  const result: StateResult = { mappings: items.map((item) => item.mapping), transferred: [], bytes: 0 }
  if (items.length === 0) return result
  const sent = new Map<StateMapping, SnapshotTransferResult>()
  const send = async (item: StateMapping) => {
    const transfer = await sendSnapshots(item, options)
    sent.set(item, transfer)
    result.transferred.push(...transfer.transferred)
    result.bytes += transfer.bytes
  }
  const restore = async (item: StateMapping) => {
    await reportOrigin(item, sent.get(item)?.latest, options)
    await runStateActivity(item, 'restore', options)
  }

  if (options.depthFirst) {
    const failures = await runPerTarget(
      items,
      options.maxConcurrentTransfers ?? 2,
      async (item) => {
        await send(item)
        await restore(item)
        await cleanMappingSnapshots(item, options.keep ?? 1, options)
      },
      options.signal,
    )
    if (failures.length > 0) throw stateFailure('RESTORE_FAILED', 'Restoring the state of services failed:', failures, 'restore')
    return result
  }

  options.progress({ kind: 'message', text: 'Sending snapshots...' })
  const sendFailures = await runPerTarget(items, options.maxConcurrentTransfers ?? 2, send, options.signal)
  if (sendFailures.length > 0) throw stateFailure('SNAPSHOT_TRANSFER_FAILED', 'Sending the snapshots failed:', sendFailures, 'send')
  if (!options.transferOnly) {
    const failures = await runPerCore(items, restore, options.signal)
    if (failures.length > 0) throw stateFailure('RESTORE_FAILED', 'Restoring the state of services failed:', failures, 'restore')
  }
  return result
}

/**
 * Says which snapshot a restore puts where: the one the coordinator's store of the profile just made
 * the target's latest, with its generation and when it was taken; or that the store had none.
 */
async function reportOrigin(item: StateMapping, latest: string | undefined, options: StateOptions): Promise<void> {
  const store = `the coordinator's snapshot store of profile: ${options.profile ?? 'default'}`
  const where = `State of service: ${item.mapping.component} in container: ${item.mapping.container}`
  if (latest === undefined) {
    options.progress({ kind: 'message', target: item.targetName, text: `${where}: no snapshot in ${store}; the target restores its own latest snapshot, if it has one` })
    return
  }
  const origin = await describeLocalSnapshot(latest, { env: snapshotStoreEnv(options), signal: options.signal })
  options.progress({ kind: 'message', target: item.targetName, text: `${where}: restoring ${formatSnapshotOrigin(origin)} from ${store}` })
}
