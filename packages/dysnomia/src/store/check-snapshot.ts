import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import { fileAccessError } from '../file-access-error.js'
import { computeOutputHash } from './compute-output-hash.js'
import { pathExists } from './path-exists.js'
import type { SnapshotRef } from './query-snapshots.js'

/** The outcome of verifying one snapshot against its recorded checksum. */
export type SnapshotCheck =
  | { status: 'ok'; checksum: string }
  | { status: 'mismatch'; computed: string; expected: string }
  | { status: 'no-checksum' }
  | { status: 'missing'; expected: string }

/** Recomputes the checksum of a stored snapshot and compares it with `checksums/<c>/<comp>/<id>`. */
export async function checkSnapshot(stateDir: string, ref: Pick<SnapshotRef, 'container' | 'component' | 'id'>): Promise<SnapshotCheck> {
  let expected: string
  try {
    expected = await readFile(join(stateDir, 'checksums', ref.container, ref.component, ref.id), 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return { status: 'no-checksum' }
    throw fileAccessError(error, 'read the checksum of snapshot', join(ref.container, ref.component, ref.id))
  }
  const snapshot = join(stateDir, 'snapshots', ref.container, ref.component, ref.id)
  if (!(await pathExists(snapshot))) return { status: 'missing', expected }
  const computed = await computeOutputHash(snapshot)
  return computed === expected ? { status: 'ok', checksum: computed } : { status: 'mismatch', computed, expected }
}
