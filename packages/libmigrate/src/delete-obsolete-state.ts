import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import type { Manifest, SnapshotMapping } from '@disnix-ts/libmanifest'
import { withPhase } from '@disnix-ts/libmain'
import type { StateContext } from './state-context.js'
import { stateFailure } from './state-failure.js'
import { resolveStateMappings } from './state-mappings.js'
import { runStateActivity } from './state-activity.js'
import { runPerCore } from './run-per-core.js'

export interface DeleteObsoleteStateOptions extends StateContext {
  /** The manifest whose snapshot mappings (and services) are considered. */
  manifest: Manifest
  /** Where the targets are (default: the manifest's own infrastructure). */
  infrastructure?: Infrastructure
}

/**
 * disnix-delete-state (spec §6.5): `--delete-state` for every snapshot mapping, per core, all targets at
 * once. Dysnomia's collect-garbage only removes the state of components it marked as garbage
 * (deactivated), so state that is still in use is never deleted.
 */
export async function deleteObsoleteState(options: DeleteObsoleteStateOptions): Promise<SnapshotMapping[]> {
  return withPhase(options.progress, 'delete-state', () => deleteState(options))
}

async function deleteState(options: DeleteObsoleteStateOptions): Promise<SnapshotMapping[]> {
  options.progress({ kind: 'message', text: 'Deleting obsolete state of services...' })
  const items = resolveStateMappings(options.manifest.snapshotMappings, options.manifest, options.infrastructure ?? options.manifest.infrastructure, options)
  const failures = await runPerCore(items, (item) => runStateActivity(item, 'delete-state', options), options.signal)
  if (failures.length > 0) throw stateFailure('DELETE_STATE_FAILED', 'Deleting the obsolete state failed:', failures, 'delete')
  return items.map((item) => item.mapping)
}
