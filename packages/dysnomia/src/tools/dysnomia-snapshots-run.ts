import { DisnixError } from '@disnix-ts/libmain'
import { checkSnapshot } from '../store/check-snapshot.js'
import { determineComponentName, determineContainerName } from '../store/determine-component-name.js'
import { gcSnapshots } from '../store/gc-snapshots.js'
import { importSnapshots } from '../store/import-snapshots.js'
import { queryAllSnapshots, queryLatestSnapshots, snapshotRelativePath, type SnapshotRef } from '../store/query-snapshots.js'
import { findMissingSnapshots, resolveSnapshot } from '../store/resolve-snapshot.js'

export interface SnapshotsRun {
  operation: 'query-latest' | 'query-all' | 'print-missing' | 'gc' | 'import' | 'resolve'
  paths: readonly string[]
  check: boolean
  container: string | undefined
  component: string | undefined
  keep: number
  stateDir: string
  /** NIX_STORE_DIR */
  storeDir: string | undefined
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

/** Runs one dysnomia-snapshots operation, printing its result; returns the exit status. */
export async function runSnapshotsOperation(run: SnapshotsRun): Promise<number> {
  const component = run.component === undefined ? undefined : determineComponentName(run.component, { storeDir: run.storeDir })
  const filter = { stateDir: run.stateDir, container: run.container, component }
  switch (run.operation) {
    case 'query-latest':
      return printSnapshots(run, await queryLatestSnapshots(filter))
    case 'query-all':
      return printSnapshots(run, await queryAllSnapshots(filter))
    case 'print-missing':
      for (const missing of await findMissingSnapshots(run.stateDir, run.paths)) run.stdout.write(`${missing}\n`)
      return 0
    case 'resolve': {
      const resolved = run.paths.map((relative) => resolveSnapshot(run.stateDir, relative))
      for (const path of resolved) run.stdout.write(`${path}\n`)
      return 0
    }
    case 'gc':
      await gcSnapshots({
        ...filter,
        keep: run.keep,
        onRemove: (removal) =>
          run.stderr.write(
            removal.kind === 'generation'
              ? `Removing old generation symlink: ${removal.path}\n`
              : `Removing old snapshot: ${removal.path}\n`,
          ),
      })
      return 0
    case 'import': {
      if (run.container === undefined || run.container === '') throw new DisnixError('USAGE', 'ERROR: No container specified!')
      if (component === undefined || component === '') throw new DisnixError('USAGE', 'ERROR: No component specified!')
      const containerName = determineContainerName(run.container, '', { storeDir: run.storeDir })
      await importSnapshots({ stateDir: run.stateDir, containerName, componentName: component }, run.paths)
      return 0
    }
  }
}

/**
 * Prints one relative snapshot path per line; with --check each is verified right after it is printed.
 * QUIRK §4.2/B.7: the original stops at the first mismatch; we check every snapshot, name each one
 * that fails, and exit 1 at the end.
 */
async function printSnapshots(run: SnapshotsRun, refs: readonly SnapshotRef[]): Promise<number> {
  let status = 0
  for (const ref of refs) {
    const relative = snapshotRelativePath(ref)
    run.stdout.write(`${relative}\n`)
    if (!run.check) continue
    const result = await checkSnapshot(run.stateDir, ref)
    switch (result.status) {
      case 'ok':
        break
      case 'no-checksum':
        run.stderr.write(`WARNING: no checksum found for snapshot: ${relative}\n`)
        break
      case 'mismatch':
        run.stderr.write(`Checksum mismatch detected for snapshot: ${relative}, we have: '${result.computed}', we expect: '${result.expected}'\n`)
        status = 1
        break
      case 'missing':
        run.stderr.write(`Snapshot missing from the store: ${relative}, we expect: '${result.expected}'\n`)
        status = 1
        break
    }
  }
  return status
}
