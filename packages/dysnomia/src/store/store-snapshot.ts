import { cp, mkdir, mkdtemp, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { createGenerationSymlink } from './generations.js'
import { pathExists } from './path-exists.js'
import { assertStoreName, composeStorePaths, type StoreContext } from './store-paths.js'

/** What {@link storeSnapshot} did. */
export interface StoredSnapshot {
  id: string
  /** Absolute path of the snapshot in the store. */
  path: string
  /** False when the store already held this id and the payload was discarded. */
  added: boolean
  /** The generation registered for it, or undefined when the latest generation already was this id. */
  generation: number | undefined
}

/**
 * An empty directory for a new snapshot's payload: inside the state dir, so that
 * {@link storeSnapshot} can rename it into place, but outside `snapshots/`, so that nothing ever sees
 * it as a snapshot (same place as the bash library's createSnapshotTempDir).
 */
export async function createSnapshotTempDir(stateDir: string): Promise<string> {
  const tmp = join(stateDir, 'tmp')
  await mkdir(tmp, { recursive: true })
  return mkdtemp(join(tmp, 'snapshot.'))
}

/**
 * Moves a complete payload directory into the store as snapshot `id` with one rename (staging a copy
 * in the state dir first when it lies on another file system), so that the store never holds half a
 * snapshot, then registers a generation. When the store already holds `id` the payload is discarded:
 * identical snapshots are stored once.
 */
export async function storeSnapshot(ctx: StoreContext, payloadDir: string, id: string): Promise<StoredSnapshot> {
  assertStoreName(id, 'snapshot')
  const paths = composeStorePaths(ctx)
  const target = join(paths.snapshots, id)
  if (!(await isDirectory(payloadDir))) {
    throw new DisnixError('SNAPSHOT_INVALID', `Snapshot payload: ${payloadDir} is not a directory!`)
  }
  await mkdir(paths.snapshots, { recursive: true })

  let added = false
  if (await pathExists(target)) {
    await rm(payloadDir, { recursive: true, force: true })
  } else {
    added = await moveIntoStore(ctx.stateDir, payloadDir, target)
  }
  const generation = await createGenerationSymlink(ctx, id)
  return { id, path: target, added, generation }
}

/**
 * Writes a snapshot through a temp dir: `write` fills the directory it gets and returns the snapshot
 * id; on failure the temp dir is removed and nothing reaches the store.
 */
export async function writeSnapshot(ctx: StoreContext, write: (dir: string) => Promise<string>): Promise<StoredSnapshot> {
  const dir = await createSnapshotTempDir(ctx.stateDir)
  let id: string
  try {
    id = await write(dir)
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  return storeSnapshot(ctx, dir, id)
}

/**
 * Moves a payload directory to `target` (a new entry of a store directory that exists) atomically:
 * one rename, after staging a copy in the state dir when the payload lies on another file system.
 * Returns false, dropping the payload, when `target` appeared meanwhile.
 */
export async function moveIntoStore(stateDir: string, payload: string, target: string): Promise<boolean> {
  const staged = await stageOnStoreFileSystem(stateDir, payload, dirname(target))
  await syncTree(staged)
  try {
    return await renameUnlessPresent(staged, target)
  } catch (error) {
    // Two bind mounts of one file system share a device number, yet rename between them fails.
    if (!hasErrorCode(error, 'EXDEV')) throw error
    return renameUnlessPresent(await stageCopy(stateDir, staged), target)
  }
}

/** The payload itself when it lies on the store's file system, else a copy staged in the state dir. */
export async function stageOnStoreFileSystem(stateDir: string, payload: string, storeDir: string): Promise<string> {
  if ((await stat(payload)).dev === (await stat(storeDir)).dev) return payload
  return stageCopy(stateDir, payload)
}

/** Copies a payload into a temp dir of the state dir (then on the store's file system) and removes the original. */
async function stageCopy(stateDir: string, payload: string): Promise<string> {
  const staged = await createSnapshotTempDir(stateDir)
  try {
    await cp(payload, staged, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, force: true })
  } catch (error) {
    await rm(staged, { recursive: true, force: true })
    throw error
  }
  await rm(payload, { recursive: true, force: true })
  return staged
}

/** Renames `from` to `to`; when `to` appeared meanwhile (the same snapshot stored concurrently), drops `from`. */
export async function renameUnlessPresent(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to)
    return true
  } catch (error) {
    if ((hasErrorCode(error, 'ENOTEMPTY') || hasErrorCode(error, 'EEXIST')) && (await pathExists(to))) {
      await rm(from, { recursive: true, force: true })
      return false
    }
    throw error
  }
}

/** Flushes every file of a payload before it becomes visible, so that a crash cannot expose empty files. */
async function syncTree(path: string): Promise<void> {
  const info = await stat(path)
  if (info.isDirectory()) {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      if (entry.isDirectory() || entry.isFile()) await syncTree(join(path, entry.name))
    }
  }
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return false
    throw error
  }
}
