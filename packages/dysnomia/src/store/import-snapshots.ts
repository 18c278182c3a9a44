import { mkdir, rm, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { computeOutputHash } from './compute-output-hash.js'
import { createGenerationSymlink } from './generations.js'
import { pathExists } from './path-exists.js'
import { moveIntoStore } from './store-snapshot.js'
import { assertStoreName, composeStorePaths, type StoreContext } from './store-paths.js'

/** What {@link importSnapshots} did with one operand. */
export interface ImportedSnapshot {
  id: string
  /** False when the snapshot was already in the store (only a generation was registered). */
  added: boolean
  generation: number | undefined
}

/**
 * Moves snapshot directories into the store of one component and registers a generation for each
 * (`dysnomia-snapshots --import`). The snapshot id is the operand's basename. An operand that already
 * lies in the component's snapshots directory is only registered. Every operand is checked before
 * anything is moved; each move is atomic (see moveIntoStore).
 */
export async function importSnapshots(ctx: StoreContext, operands: readonly string[]): Promise<ImportedSnapshot[]> {
  const paths = composeStorePaths(ctx)
  const sources = operands.map((operand) => resolve(operand))
  for (const [index, source] of sources.entries()) {
    const operand = operands[index] ?? source
    assertStoreName(basename(source), 'snapshot')
    if (!(await isDirectory(source))) {
      throw new DisnixError('SNAPSHOT_NOT_FOUND', `Snapshot: ${operand} is not a directory!`)
    }
  }

  await mkdir(paths.snapshots, { recursive: true })
  const imported: ImportedSnapshot[] = []
  for (const source of sources) {
    const id = basename(source)
    const target = join(paths.snapshots, id)
    let added = false
    if (dirname(source) !== paths.snapshots) {
      if (await pathExists(target)) {
        await discardDuplicate(source, target)
      } else {
        added = await moveIntoStore(ctx.stateDir, source, target)
      }
    }
    imported.push({ id, added, generation: await createGenerationSymlink(ctx, id) })
  }
  return imported
}

/**
 * The store already holds this id: the operand is dropped when its contents are the same (it has been
 * "moved"), and refused otherwise, since one id must never name two different snapshots.
 */
async function discardDuplicate(source: string, target: string): Promise<void> {
  if ((await computeOutputHash(source)) !== (await computeOutputHash(target))) {
    throw new DisnixError('SNAPSHOT_CONFLICT', `Snapshot: ${source} differs from the snapshot with the same id in the store: ${target}`)
  }
  await rm(source, { recursive: true, force: true })
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return false
    throw error
  }
}
