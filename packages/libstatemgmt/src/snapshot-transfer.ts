import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { withCallOptions, type TargetClient } from '@disnix-ts/libinterface'
import type { ProgressSink } from '@disnix-ts/libmain'

/** What a snapshot transfer of one component between the coordinator and one target needs. */
export interface SnapshotTransferOptions {
  container: string
  component: string
  /** Every generation (in order) instead of only the latest. */
  all: boolean
  /** The target's name in the infrastructure model, for progress (the call holds its key). */
  targetName: string
  progress: ProgressSink
  /** A directory on this machine for temporary copies ($TMPDIR). */
  tmpdir: string
  /** Environment for the local dysnomia-snapshots (DYSNOMIA_STATEDIR, ...). */
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
}

/** What a transfer did: the snapshots that were actually sent over the network, and their size. */
export interface SnapshotTransferResult {
  /** Relative snapshot ids (`<container>/<component>/<id>`) in the order they were processed. */
  transferred: string[]
  bytes: number
}

/** The same target with another local directory for what the interface exports (its TMPDIR). */
export function withTmpdir(target: TargetClient, tmpdir: string): TargetClient {
  return withCallOptions(target, { tmpdir })
}

/** Bytes of the regular files under a path (symlinks are not followed). */
export async function directorySize(path: string): Promise<number> {
  const info = await lstat(path)
  if (!info.isDirectory()) return info.isFile() ? info.size : 0
  let total = 0
  for (const entry of await readdir(path)) total += await directorySize(join(path, entry))
  return total
}
