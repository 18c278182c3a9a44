import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import { composeStorePaths, type StoreContext } from './store-paths.js'

/** Marks a component as active; a garbage marker (deactivated, not yet collected) becomes the active one. */
export async function markComponentAsActive(ctx: StoreContext): Promise<void> {
  const paths = composeStorePaths(ctx)
  await mkdir(dirname(paths.activated), { recursive: true })
  if (await isRegularFile(paths.garbage)) {
    await rename(paths.garbage, paths.activated)
  } else {
    await writeFile(paths.activated, '', { flag: 'a' })
  }
}

/** Removes the active marker (stateless modules on deactivate); absent is fine. */
export async function unmarkComponentAsActive(ctx: StoreContext): Promise<void> {
  await rm(composeStorePaths(ctx).activated, { force: true })
}

/**
 * Turns the active marker into a garbage marker: the state stays until collect-garbage.
 * QUIRK §3.2/B.9: the original fails when the component was never activated; that is a no-op here,
 * as deactivating twice is.
 */
export async function markComponentAsGarbage(ctx: StoreContext): Promise<void> {
  const paths = composeStorePaths(ctx)
  if (await isRegularFile(paths.garbage)) return
  if (!(await isRegularFile(paths.activated))) return
  await mkdir(dirname(paths.garbage), { recursive: true })
  await rename(paths.activated, paths.garbage)
}

export async function unmarkComponentAsGarbage(ctx: StoreContext): Promise<void> {
  await rm(composeStorePaths(ctx).garbage, { force: true })
}

export async function componentMarkedAsGarbage(ctx: StoreContext): Promise<boolean> {
  return isRegularFile(composeStorePaths(ctx).garbage)
}

export async function componentMarkedAsActive(ctx: StoreContext): Promise<boolean> {
  return isRegularFile(composeStorePaths(ctx).activated)
}

async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return false
    throw error
  }
}
