import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import { fileAccessError } from '../file-access-error.js'
import { computeOutputHash } from './compute-output-hash.js'
import { pathExists } from './path-exists.js'
import { assertStoreName, composeStorePaths, type StoreContext } from './store-paths.js'

/** The generation numbers in a generations directory, ascending (numerically); none when it is missing. */
export async function listGenerations(generationsDir: string): Promise<number[]> {
  let names: string[]
  try {
    names = await readdir(generationsDir)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return []
    throw fileAccessError(error, 'read directory', generationsDir)
  }
  return names
    .filter((name) => /^[0-9]+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b)
}

/** The snapshot id a generation link refers to (the basename of its target). */
export async function generationSnapshotId(generationsDir: string, generation: number): Promise<string> {
  const link = join(generationsDir, String(generation))
  try {
    return basename(await readlink(link))
  } catch (error) {
    throw fileAccessError(error, 'read the generation link', link)
  }
}

/** Absolute path of the snapshot the latest generation refers to, or undefined when there is none. */
export async function determineLastSnapshot(ctx: StoreContext): Promise<string | undefined> {
  const paths = composeStorePaths(ctx)
  const generations = await listGenerations(paths.generations)
  const last = generations.at(-1)
  if (last === undefined) return undefined
  return join(paths.snapshots, await generationSnapshotId(paths.generations, last))
}

/**
 * Registers snapshot `snapshotId` (already in the store) as generation last+1 with a relative link and
 * records its checksum, unless the latest generation already refers to it. Returns the new generation
 * number, or undefined when nothing changed.
 */
export async function createGenerationSymlink(ctx: StoreContext, snapshotId: string): Promise<number | undefined> {
  assertStoreName(snapshotId, 'snapshot')
  const paths = composeStorePaths(ctx)
  await mkdir(paths.generations, { recursive: true })
  const last = (await listGenerations(paths.generations)).at(-1) ?? 0
  if (last > 0 && (await generationSnapshotId(paths.generations, last)) === snapshotId) return undefined

  // The checksum goes first so that a registered generation always has one; an existing checksum is
  // kept because recomputing it would bless a snapshot that was corrupted since.
  await writeChecksumIfAbsent(paths.checksums, snapshotId, join(paths.snapshots, snapshotId))
  const generation = last + 1
  await symlink(join('..', '..', '..', 'snapshots', ctx.containerName, ctx.componentName, snapshotId), join(paths.generations, String(generation)))
  return generation
}

async function writeChecksumIfAbsent(checksumsDir: string, snapshotId: string, snapshotPath: string): Promise<void> {
  const target = join(checksumsDir, snapshotId)
  if (await pathExists(target)) return
  const checksum = await computeOutputHash(snapshotPath)
  await mkdir(checksumsDir, { recursive: true })
  const temporary = join(checksumsDir, `.checksum.${randomBytes(8).toString('hex')}`)
  try {
    await writeFile(temporary, checksum)
    await rename(temporary, target)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}
