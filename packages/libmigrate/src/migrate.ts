import { withPhase } from '@disnix-ts/libmain'
import type { StateOptions } from './state-context.js'
import { deleteObsoleteState } from './delete-obsolete-state.js'
import { restoreServices } from './restore-services.js'
import { snapshotServices, type StateResult } from './snapshot-services.js'

export interface MigrateOptions extends StateOptions {
  /** Afterwards delete the state the previous configuration left behind (DISNIX_DELETE_STATE=1). */
  deleteState?: boolean
}

export interface MigrateResult {
  snapshot: StateResult
  restore: StateResult
  /** Whether obsolete state was deleted. */
  deletedState: boolean
}

/**
 * disnix-migrate (spec §6.5): snapshot what moved away or was removed, restore what arrived, then with
 * `deleteState` (and a previous configuration, and not `--no-upgrade`) delete the obsolete state of
 * every mapping of the previous configuration. Each step runs only when the one before succeeded, so a
 * failure never deletes anything.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  return withPhase(options.progress, 'migrate', () => migrateState(options))
}

async function migrateState(options: MigrateOptions): Promise<MigrateResult> {
  const snapshot = await snapshotServices(options)
  const restore = await restoreServices(options)
  let deletedState = false
  if (options.deleteState && options.oldManifest !== undefined && !options.noUpgrade) {
    await deleteObsoleteState({ ...options, manifest: options.oldManifest, infrastructure: options.manifest.infrastructure })
    deletedState = true
  }
  return { snapshot, restore, deletedState }
}
