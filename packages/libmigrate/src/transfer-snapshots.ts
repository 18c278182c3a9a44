import { copySnapshotsFrom, copySnapshotsTo, type SnapshotTransferResult } from '@disnix-ts/libstatemgmt'
import { errorText, type StateOptions } from './state-context.js'
import type { StateMapping } from './state-mappings.js'

/** Copies the snapshots of one mapping from its target into the coordinator's store, with progress. */
export async function retrieveSnapshots(item: StateMapping, options: StateOptions): Promise<SnapshotTransferResult> {
  return transfer(item, options, 'retrieve', `Retrieving snapshots of component: ${item.mapping.component} in container: ${item.mapping.container}`, copySnapshotsFrom)
}

/** Copies the snapshots of one mapping from the coordinator's store to its target, with progress. */
export async function sendSnapshots(item: StateMapping, options: StateOptions): Promise<SnapshotTransferResult> {
  return transfer(item, options, 'send', `Sending snapshots of component: ${item.mapping.component} to container: ${item.mapping.container}`, copySnapshotsTo)
}

async function transfer(
  item: StateMapping,
  options: StateOptions,
  step: string,
  text: string,
  copy: typeof copySnapshotsFrom,
): Promise<SnapshotTransferResult> {
  const { progress } = options
  const service = item.mapping.component
  progress({ kind: 'step', target: item.targetName, service, step, status: 'start', text })
  try {
    const result = await copy(item.target, {
      container: item.mapping.container,
      component: item.mapping.component,
      all: options.all ?? false,
      targetName: item.targetName,
      progress,
      tmpdir: options.tmpdir,
      env: options.env,
      signal: options.signal,
    })
    progress({ kind: 'step', target: item.targetName, service, step, status: 'done' })
    return result
  } catch (error) {
    progress({ kind: 'step', target: item.targetName, service, step, status: 'failed', text: `Cannot ${step} snapshots of component: ${service}\n${errorText(error)}` })
    throw error
  }
}
