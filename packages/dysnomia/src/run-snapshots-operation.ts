import { DisnixError, type ProgressSink } from '@disnix-ts/libmain'
import { checkSnapshot } from './store/check-snapshot.js'
import { determineComponentName, determineContainerName } from './store/determine-component-name.js'
import { gcSnapshots } from './store/gc-snapshots.js'
import { importSnapshots } from './store/import-snapshots.js'
import { queryAllSnapshots, queryLatestSnapshots, snapshotRelativePath, type SnapshotRef } from './store/query-snapshots.js'
import { findMissingSnapshots, resolveSnapshot } from './store/resolve-snapshot.js'

export type SnapshotsOperation = 'query-latest' | 'query-all' | 'print-missing' | 'gc' | 'import' | 'resolve'

export const SNAPSHOTS_OPERATIONS: readonly SnapshotsOperation[] = ['query-latest', 'query-all', 'print-missing', 'gc', 'import', 'resolve']

export interface RunSnapshotsOperationOptions {
  operation: SnapshotsOperation
  paths: readonly string[]
  /** With a query: verify the checksum of every snapshot printed. */
  check: boolean
  container: string | undefined
  component: string | undefined
  keep: number
  stateDir: string
  /** NIX_STORE_DIR */
  storeDir: string | undefined
  /** Receives each result line (a snapshot path), in order. */
  print: (line: string) => void
  /** Notices: removals of --gc, and the snapshots --check finds wrong. */
  progress: ProgressSink
}

export interface SnapshotsOutcome {
  /** The printed snapshots whose check failed (a checksum mismatch or a missing snapshot). */
  failedChecks: number
}

/** One `dysnomia-snapshots` operation on the snapshot store: prints its results through `print`. */
export async function runSnapshotsOperation(run: RunSnapshotsOperationOptions): Promise<SnapshotsOutcome> {
  const component = run.component === undefined ? undefined : determineComponentName(run.component, { storeDir: run.storeDir })
  const filter = { stateDir: run.stateDir, container: run.container, component }
  const message = (text: string) => run.progress({ kind: 'message', text })
  switch (run.operation) {
    case 'query-latest':
      return printSnapshots(run, await queryLatestSnapshots(filter))
    case 'query-all':
      return printSnapshots(run, await queryAllSnapshots(filter))
    case 'print-missing':
      for (const missing of await findMissingSnapshots(run.stateDir, run.paths)) run.print(missing)
      return { failedChecks: 0 }
    case 'resolve': {
      const resolved = run.paths.map((relative) => resolveSnapshot(run.stateDir, relative))
      for (const path of resolved) run.print(path)
      return { failedChecks: 0 }
    }
    case 'gc':
      await gcSnapshots({
        ...filter,
        keep: run.keep,
        onRemove: (removal) =>
          message(removal.kind === 'generation' ? `Removing old generation symlink: ${removal.path}` : `Removing old snapshot: ${removal.path}`),
      })
      return { failedChecks: 0 }
    case 'import': {
      if (run.container === undefined || run.container === '') throw new DisnixError('USAGE', 'ERROR: No container specified!')
      if (component === undefined || component === '') throw new DisnixError('USAGE', 'ERROR: No component specified!')
      const containerName = determineContainerName(run.container, '', { storeDir: run.storeDir })
      await importSnapshots({ stateDir: run.stateDir, containerName, componentName: component }, run.paths)
      return { failedChecks: 0 }
    }
  }
}

/**
 * Prints one relative snapshot path per line; with --check each is verified right after it is printed.
 * QUIRK §4.2/B.7: the original stops at the first mismatch; we check every snapshot, name each one
 * that fails, and count them (the tool exits 1 when there is any).
 */
async function printSnapshots(run: RunSnapshotsOperationOptions, refs: readonly SnapshotRef[]): Promise<SnapshotsOutcome> {
  let failedChecks = 0
  for (const ref of refs) {
    const relative = snapshotRelativePath(ref)
    run.print(relative)
    if (!run.check) continue
    const result = await checkSnapshot(run.stateDir, ref)
    switch (result.status) {
      case 'ok':
        break
      case 'no-checksum':
        run.progress({ kind: 'message', text: `WARNING: no checksum found for snapshot: ${relative}` })
        break
      case 'mismatch':
        run.progress({ kind: 'message', text: `Checksum mismatch detected for snapshot: ${relative}, we have: '${result.computed}', we expect: '${result.expected}'` })
        failedChecks++
        break
      case 'missing':
        run.progress({ kind: 'message', text: `Snapshot missing from the store: ${relative}, we expect: '${result.expected}'` })
        failedChecks++
        break
    }
  }
  return { failedChecks }
}
