import { errorText, type StateContext } from './state-context.js'
import type { StateMapping } from './state-mappings.js'

type Activity = 'snapshot' | 'restore' | 'delete-state'

const TEXT: Record<Activity, { start: string; failed: string }> = {
  snapshot: { start: 'Snapshotting state of service', failed: 'Cannot snapshot state of service' },
  restore: { start: 'Restoring state of service', failed: 'Cannot restore state of service' },
  'delete-state': { start: 'Deleting obsolete state of service', failed: 'Cannot delete obsolete state of service' },
}

/** Runs one Dysnomia state activity of a mapping on its target, reporting it as a step. */
export async function runStateActivity(item: StateMapping, activity: Activity, context: StateContext): Promise<void> {
  const service = item.mapping.component
  const text = TEXT[activity]
  context.progress({ kind: 'step', target: item.targetName, service, step: activity, status: 'start', text: `${text.start}: ${service}` })
  try {
    await item.target.call({ op: activity, ...item.activity })
    context.progress({ kind: 'step', target: item.targetName, service, step: activity, status: 'done' })
  } catch (error) {
    context.progress({ kind: 'step', target: item.targetName, service, step: activity, status: 'failed', text: `${text.failed}: ${service}\n${errorText(error)}` })
    throw error
  }
}

/** `--clean-snapshots --keep N` of one mapping's component on its target (depth-first runs). */
export async function cleanMappingSnapshots(item: StateMapping, keep: number, context: StateContext): Promise<void> {
  const service = item.mapping.component
  context.progress({ kind: 'step', target: item.targetName, service, step: 'clean-snapshots', status: 'start', text: `Removing old snapshots of component: ${service}, keeping ${keep}` })
  await item.target.call({ op: 'clean-snapshots', keep, container: item.mapping.container, component: item.mapping.component })
  context.progress({ kind: 'step', target: item.targetName, service, step: 'clean-snapshots', status: 'done' })
}
