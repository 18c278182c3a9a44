import { rm, rmdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import { fileAccessError } from '../file-access-error.js'
import { generationSnapshotId, listGenerations } from './generations.js'
import { listGenerationDirs, listNames, type SnapshotFilter } from './query-snapshots.js'

/** One removal done by {@link gcSnapshots}; `path` is `<container>/<component>/<generation or id>`. */
export interface GcRemoval {
  kind: 'generation' | 'snapshot'
  path: string
}

export interface GcOptions extends SnapshotFilter {
  /** Number of latest generations to keep per component (0 removes all). */
  keep: number
  /** Called before each removal (the tool prints it). */
  onRemove?: (removal: GcRemoval) => void
}

/**
 * Removes all but the `keep` latest generations of every selected component, and every snapshot that
 * no kept generation refers to (with its checksum), then prunes directories left empty. Components that
 * have snapshots but no generations directory are not touched (spec dysnomia.md §4.2).
 */
export async function gcSnapshots(options: GcOptions): Promise<GcRemoval[]> {
  const removals: GcRemoval[] = []
  const report = (removal: GcRemoval): void => {
    options.onRemove?.(removal)
    removals.push(removal)
  }
  const touchedContainers = new Set<string>()
  for (const { container, component, dir } of await listGenerationDirs(options)) {
    touchedContainers.add(container)
    const generations = await listGenerations(dir)
    if (generations.length <= options.keep) continue

    const kept = options.keep === 0 ? [] : generations.slice(-options.keep)
    const keepSet = new Set<string>()
    for (const generation of kept) keepSet.add(await generationSnapshotId(dir, generation))

    for (const generation of generations.slice(0, generations.length - kept.length)) {
      report({ kind: 'generation', path: `${container}/${component}/${generation}` })
      await removing('remove the generation link', join(dir, String(generation)), (path) => unlink(path))
    }
    const snapshotsDir = join(options.stateDir, 'snapshots', container, component)
    const checksumsDir = join(options.stateDir, 'checksums', container, component)
    for (const id of await listNames(snapshotsDir)) {
      if (keepSet.has(id)) continue
      report({ kind: 'snapshot', path: `${container}/${component}/${id}` })
      await removing('remove the snapshot', join(snapshotsDir, id), (path) => rm(path, { recursive: true, force: true }))
      await removing('remove the checksum', join(checksumsDir, id), (path) => rm(path, { force: true }))
    }
    for (const emptied of [dir, snapshotsDir, checksumsDir]) await removeIfEmpty(emptied)
  }
  for (const container of touchedContainers) {
    for (const area of ['generations', 'snapshots', 'checksums']) await removeIfEmpty(join(options.stateDir, area, container))
  }
  return removals
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir)
  } catch (error) {
    if (hasErrorCode(error, 'ENOTEMPTY') || hasErrorCode(error, 'EEXIST') || hasErrorCode(error, 'ENOENT')) return
    throw fileAccessError(error, 'remove the empty directory', dir)
  }
}

/** Runs one removal; a permission problem is reported with the path. */
async function removing(step: string, path: string, remove: (path: string) => Promise<void>): Promise<void> {
  try {
    await remove(path)
  } catch (error) {
    throw fileAccessError(error, step, path)
  }
}
