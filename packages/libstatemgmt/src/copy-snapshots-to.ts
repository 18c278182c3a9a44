import { copyFile, link, lstat, mkdir, mkdtemp, readdir, readlink, rm, symlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { toTargetClient, type InterfaceCall, type TargetClient } from '@disnix-ts/libinterface'
import { hasErrorCode } from '@disnix-ts/libmain'
import { queryLocalSnapshots, resolveLocal } from './coordinator-store.js'
import { directorySize, type SnapshotTransferOptions, type SnapshotTransferResult } from './snapshot-transfer.js'

/**
 * Copies the latest (or every) snapshot of one component from the coordinator's store to a target
 * (spec §6.6 "copy to"), one generation at a time to keep their order. Every snapshot is checked
 * against its checksum first; a corrupt one is refused (SNAPSHOT_CORRUPT) before anything is sent.
 * A snapshot the target already holds is only re-registered there. The target side receives into a
 * temp dir and imports with one rename, so a broken transfer leaves no partial snapshot there either.
 */
export async function copySnapshotsTo(to: TargetClient | InterfaceCall, options: SnapshotTransferOptions): Promise<SnapshotTransferResult> {
  const target = toTargetClient(to)
  const { container, component } = options
  const local = { env: options.env, signal: options.signal }
  const snapshots = await queryLocalSnapshots({ container, component, all: options.all }, local)
  const result: SnapshotTransferResult = { transferred: [], bytes: 0 }
  for (const snapshot of snapshots) {
    options.signal?.throwIfAborted()
    const missing = await target.call({ op: 'print-missing-snapshots', snapshots: [snapshot] })
    if (missing.length === 0) {
      // The target has it: registering it again makes it the latest generation in this order.
      const paths = await target.call({ op: 'resolve-snapshots', snapshots: [snapshot] })
      await target.call({ op: 'import-snapshots', where: 'remote', container, component, paths })
      continue
    }
    const [path] = await resolveLocal([snapshot], local)
    if (path === undefined) continue
    const bytes = await directorySize(path)
    const what = `snapshot ${snapshot}`
    options.progress({ kind: 'transfer', target: options.targetName, what, bytes: 0, totalBytes: bytes })
    await sendStaged(target, path, { container, component })
    result.transferred.push(snapshot)
    result.bytes += bytes
    options.progress({ kind: 'transfer', target: options.targetName, what, bytes, totalBytes: bytes, done: true })
  }
  return result
}

/**
 * Hands the interface a hard-linked copy of the stored snapshot, never the stored one itself: a local
 * interface imports with `dysnomia-snapshots --import`, which moves its operand, and the coordinator
 * must keep its copy. The copy lies next to the store (Dysnomia's own tmp dir) so that linking works.
 */
async function sendStaged(target: TargetClient, path: string, scope: { container: string; component: string }): Promise<void> {
  const stateDir = dirname(dirname(dirname(dirname(path))))
  const tmp = join(stateDir, 'tmp')
  await mkdir(tmp, { recursive: true })
  const staging = await mkdtemp(join(tmp, 'disnix-send.'))
  try {
    const staged = join(staging, basename(path))
    await linkTree(path, staged)
    await target.call({ op: 'import-snapshots', where: 'local', ...scope, paths: [staged] })
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

async function linkTree(from: string, to: string): Promise<void> {
  const info = await lstat(from)
  if (info.isDirectory()) {
    await mkdir(to, { mode: info.mode & 0o7777 })
    for (const entry of await readdir(from)) await linkTree(join(from, entry), join(to, entry))
  } else if (info.isSymbolicLink()) {
    await symlink(await readlink(from), to)
  } else {
    try {
      await link(from, to)
    } catch (error) {
      if (!hasErrorCode(error, 'EXDEV') && !hasErrorCode(error, 'EPERM')) throw error
      await copyFile(from, to)
    }
  }
}
