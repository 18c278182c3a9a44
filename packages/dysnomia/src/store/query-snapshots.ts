import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import { fileAccessError } from '../file-access-error.js'
import { generationSnapshotId, listGenerations } from './generations.js'

/** One snapshot as the store's generations refer to it. */
export interface SnapshotRef {
  container: string
  component: string
  id: string
  /** The generation that refers to it. */
  generation: number
}

export interface SnapshotFilter {
  stateDir: string
  /** Only this container name (verbatim). */
  container?: string
  /** Only this component name (already converted with determineComponentName). */
  component?: string
}

/** `<container>/<component>/<id>`, the relative snapshot path of every CLI interface. */
export function snapshotRelativePath(ref: Pick<SnapshotRef, 'container' | 'component' | 'id'>): string {
  return `${ref.container}/${ref.component}/${ref.id}`
}

/**
 * The snapshots of every generation, per container and component (bytewise name order), generations
 * in numeric order. A snapshot referred to by several generations is listed once per generation.
 * QUIRK §4.1/B.6: the original lists generations in `ls` order (1 10 11 2 ...); we list 1 2 ... 10 11.
 */
export async function queryAllSnapshots(filter: SnapshotFilter): Promise<SnapshotRef[]> {
  const refs: SnapshotRef[] = []
  for (const { container, component, dir } of await listGenerationDirs(filter)) {
    for (const generation of await listGenerations(dir)) {
      refs.push({ container, component, id: await generationSnapshotId(dir, generation), generation })
    }
  }
  return refs
}

/** The snapshot of the numerically latest generation of every component that has one. */
export async function queryLatestSnapshots(filter: SnapshotFilter): Promise<SnapshotRef[]> {
  const refs: SnapshotRef[] = []
  for (const { container, component, dir } of await listGenerationDirs(filter)) {
    const generation = (await listGenerations(dir)).at(-1)
    if (generation !== undefined) refs.push({ container, component, id: await generationSnapshotId(dir, generation), generation })
  }
  return refs
}

/** The `generations/<container>/<component>` directories selected by the filter. */
export async function listGenerationDirs(filter: SnapshotFilter): Promise<Array<{ container: string; component: string; dir: string }>> {
  const root = join(filter.stateDir, 'generations')
  const containers = filter.container !== undefined ? [filter.container] : await listNames(root)
  const result: Array<{ container: string; component: string; dir: string }> = []
  for (const container of containers) {
    if (!isPlainName(container) || !(await isDirectory(join(root, container)))) continue
    const components = filter.component !== undefined ? [filter.component] : await listNames(join(root, container))
    for (const component of components) {
      const dir = join(root, container, component)
      if (isPlainName(component) && (await isDirectory(dir))) result.push({ container, component, dir })
    }
  }
  return result
}

/** The entries of a directory in bytewise order; none when it is missing. */
export async function listNames(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir)
    return names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return []
    throw fileAccessError(error, 'read directory', dir)
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return false
    throw fileAccessError(error, 'read', path)
  }
}

/** A name the filter may select: one directory entry, never a path. */
function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/')
}
