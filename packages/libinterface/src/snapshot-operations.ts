import { outputLines, runInterface, type InterfaceCall } from './run-interface.js'

/** Restricts a snapshot query or clean-up to one container and/or component. */
export interface SnapshotFilter {
  container?: string
  component?: string
}

/** `--target T --clean-snapshots --keep N [--container C] [--component X]`. */
export async function cleanSnapshots(call: InterfaceCall, keep: number, filter: SnapshotFilter = {}): Promise<void> {
  await runInterface(call, ['--target', call.target, '--clean-snapshots', '--keep', String(keep), ...filterArgs(filter)], {
    step: 'clean snapshots',
  })
}

/** `--target T --query-all-snapshots [--container C] [--component X]`: relative snapshot ids. */
export async function queryAllSnapshots(call: InterfaceCall, filter: SnapshotFilter = {}): Promise<string[]> {
  return outputLines(await runInterface(call, ['--target', call.target, '--query-all-snapshots', ...filterArgs(filter)], { step: 'query all snapshots' }))
}

/** `--target T --query-latest-snapshot [--container C] [--component X]`. */
export async function queryLatestSnapshot(call: InterfaceCall, filter: SnapshotFilter = {}): Promise<string[]> {
  return outputLines(
    await runInterface(call, ['--target', call.target, '--query-latest-snapshot', ...filterArgs(filter)], { step: 'query latest snapshot' }),
  )
}

/** `--target T --print-missing-snapshots S…`: the ids the target does not have. */
export async function printMissingSnapshots(call: InterfaceCall, snapshots: readonly string[]): Promise<string[]> {
  if (snapshots.length === 0) return []
  return outputLines(
    await runInterface(call, ['--target', call.target, '--print-missing-snapshots', ...snapshots], { step: 'print missing snapshots' }),
  )
}

/** `--target T --resolve-snapshots S…`: absolute paths on the target. */
export async function resolveSnapshots(call: InterfaceCall, snapshots: readonly string[]): Promise<string[]> {
  return outputLines(await runInterface(call, ['--target', call.target, '--resolve-snapshots', ...snapshots], { step: 'resolve snapshots' }))
}

export interface ImportSnapshotsOptions {
  container: string
  component: string
  /** Snapshot directories on this machine (`--localfile`) or already on the target (`--remotefile`). */
  paths: readonly string[]
  where: 'local' | 'remote'
}

/** `--target T --import-snapshots --localfile|--remotefile --container C --component X PATH…`. */
export async function importSnapshots(call: InterfaceCall, options: ImportSnapshotsOptions): Promise<void> {
  const args = [
    '--target',
    call.target,
    '--import-snapshots',
    options.where === 'local' ? '--localfile' : '--remotefile',
    '--container',
    options.container,
    '--component',
    options.component,
    ...options.paths,
  ]
  await runInterface(call, args, { step: `import snapshots of ${options.container}/${options.component}` })
}

/**
 * `--target T --export-snapshots ABSPATH…`: one local directory per path; the snapshot is at
 * `<dir>/<basename ABSPATH>`.
 */
export async function exportSnapshots(call: InterfaceCall, paths: readonly string[]): Promise<string[]> {
  return outputLines(await runInterface(call, ['--target', call.target, '--export-snapshots', ...paths], { step: 'export snapshots' }))
}

function filterArgs(filter: SnapshotFilter): string[] {
  return [...(filter.container ? ['--container', filter.container] : []), ...(filter.component ? ['--component', filter.component] : [])]
}
