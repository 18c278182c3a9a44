import { mkdtemp, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { toTargetClient, type InterfaceCall, type TargetClient } from '@disnix-ts/libinterface'
import { DisnixError } from '@disnix-ts/libmain'
import { importLocal, printMissingLocal, resolveLocal } from './coordinator-store.js'
import { directorySize, withTmpdir, type SnapshotTransferOptions, type SnapshotTransferResult } from './snapshot-transfer.js'

/**
 * Copies the latest (or every) snapshot of one component from a target into the coordinator's store
 * (spec §6.6 "copy from"), one generation at a time in the target's generation order, so that the
 * coordinator's generations follow the same order. Snapshots the coordinator already holds are only
 * re-registered, never transferred again. Each snapshot streams into a private temp dir and is then
 * moved into the store with one rename: a transfer that breaks leaves nothing in the store, and the
 * next run transfers it again.
 */
export async function copySnapshotsFrom(from: TargetClient | InterfaceCall, options: SnapshotTransferOptions): Promise<SnapshotTransferResult> {
  const target = toTargetClient(from)
  const { container, component } = options
  const local = { env: options.env, signal: options.signal }
  const filter = { container, component }
  const remote = await target.call({ op: options.all ? 'query-all-snapshots' : 'query-latest-snapshot', ...filter })
  const missing = new Set(await printMissingLocal(remote, local))
  const result: SnapshotTransferResult = { transferred: [], bytes: 0 }
  if (remote.length === 0) return result

  const tmp = await mkdtemp(join(options.tmpdir, 'disnix-snapshots.'))
  try {
    const exporting = withTmpdir(target, tmp)
    for (const snapshot of remote) {
      options.signal?.throwIfAborted()
      if (!missing.has(snapshot)) {
        // Already here: import it again so that it becomes the latest generation in this order too.
        await importLocal(container, component, await resolveLocal([snapshot], local), local)
        continue
      }
      const what = `snapshot ${snapshot}`
      options.progress({ kind: 'transfer', target: options.targetName, what, bytes: 0 })
      const [path] = await target.call({ op: 'resolve-snapshots', snapshots: [snapshot] })
      if (path === undefined) throw new DisnixError('SNAPSHOT_NOT_FOUND', `[target: ${options.targetName}]: cannot resolve snapshot: ${snapshot}`)
      const [dir] = await exporting.call({ op: 'export-snapshots', paths: [path] })
      if (dir === undefined) throw new DisnixError('SNAPSHOT_NOT_FOUND', `[target: ${options.targetName}]: the export of snapshot: ${snapshot} printed no directory`)
      const received = join(dir, basename(path))
      const bytes = await directorySize(received)
      await importLocal(container, component, [received], local)
      await rm(dir, { recursive: true, force: true })
      missing.delete(snapshot)
      result.transferred.push(snapshot)
      result.bytes += bytes
      options.progress({ kind: 'transfer', target: options.targetName, what, bytes, totalBytes: bytes, done: true })
    }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
  return result
}
