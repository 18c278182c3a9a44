import { silentProgress } from '@disnix-ts/libmain'
import type { StateOptions } from './state-context.js'
import { resolveStateMappings, type StateMapping } from './state-mappings.js'
import { selectSnapshotMappings } from './select-state-mappings.js'
import { runStateActivity } from './state-activity.js'

export interface MappingRef {
  service: string
  container: string
  target: string
}

/**
 * The state a migration will snapshot that lives in a container provided by a service that the
 * transition deactivates too (a database in a PostgreSQL server that is undeployed or moved): it can
 * only be snapshotted while that provider still runs, so the deployment snapshots it right after
 * the stateful service's own deactivation (the provider is deactivated after its guests). Keyed by the
 * stateful service's mapping (`target`, `container`, `service` joined by NUL). Empty with
 * --transfer-only, which takes no snapshots.
 */
export function stateInDeactivatedContainers(options: StateOptions, deactivated: readonly MappingRef[]): Map<string, StateMapping> {
  const result = new Map<string, StateMapping>()
  if (options.transferOnly) return result
  const selection = selectSnapshotMappings(options.manifest, options.oldManifest, options.noUpgrade ?? false)
  if (selection === undefined) return result
  const stopping = new Set(deactivated.map((m) => `${m.target}\0${m.service}`))
  const items = resolveStateMappings(selection.mappings, selection.services, options.manifest.infrastructure, { ...options, progress: silentProgress })
  for (const item of items) {
    const { mapping } = item
    const serviceMapping = selection.services.serviceMappings.find(
      (m) => m.service === mapping.service && m.container === mapping.container && m.target === mapping.target,
    )
    const provider = serviceMapping?.containerProvidedByService
    if (provider !== undefined && stopping.has(`${mapping.target}\0${provider}`)) {
      result.set(`${mapping.target}\0${mapping.container}\0${mapping.service}`, item)
    }
  }
  return result
}

/** Snapshots one such state on its target, saying why it happens now. */
export async function snapshotBeforeProvider(item: StateMapping, options: StateOptions): Promise<void> {
  await runStateActivity(item, 'snapshot', options, '(before the service that provides its container is deactivated)')
}
