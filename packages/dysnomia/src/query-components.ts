import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'
import { fileAccessError } from './file-access-error.js'

/** A component deployed (or deployable) to a container: printed as `container/component`. */
export interface ContainerComponent {
  container: string
  component: string
}

/**
 * The container configuration names in all directories of DYSNOMIA_CONTAINERS_PATH, in path order,
 * each name once. QUIRK §5.1/B.5: the original ran `ls` on the whole path string, so only a
 * single-directory path worked.
 */
export async function queryContainers(containersPath: readonly string[]): Promise<string[]> {
  const names: string[] = []
  for (const dir of containersPath) {
    for (const name of await listDir(dir)) if (!names.includes(name)) names.push(name)
  }
  return names
}

/** `DIR/<container>/<component>` entries of all directories of DYSNOMIA_COMPONENTS_PATH, each once. */
export async function queryAvailableComponents(componentsPath: readonly string[], container?: string): Promise<ContainerComponent[]> {
  const found: ContainerComponent[] = []
  for (const dir of componentsPath) {
    for (const entry of await componentsUnder(dir, container)) {
      if (!found.some((c) => c.container === entry.container && c.component === entry.component)) found.push(entry)
    }
  }
  return found
}

/** Components with an activated marker under `$DYSNOMIA_STATEDIR/activated`. */
export async function queryActivatedComponents(stateDir: string, container?: string): Promise<ContainerComponent[]> {
  return componentsUnder(join(stateDir, 'activated'), container)
}

/** Components with a garbage marker under `$DYSNOMIA_STATEDIR/garbage` (deactivated, state kept). */
export async function queryGarbageComponents(stateDir: string, container?: string): Promise<ContainerComponent[]> {
  return componentsUnder(join(stateDir, 'garbage'), container)
}

/** `container/component`, one per line, as the queries print them. */
export function formatComponents(components: readonly ContainerComponent[]): string {
  return components.map((c) => `${c.container}/${c.component}\n`).join('')
}

async function componentsUnder(dir: string, container?: string): Promise<ContainerComponent[]> {
  const found: ContainerComponent[] = []
  for (const name of await listDir(dir)) {
    if (container !== undefined && container !== name) continue
    for (const component of await listDir(join(dir, name))) found.push({ container: name, component })
  }
  return found
}

/** Entry names as `ls` shows them (sorted, no dot files); a missing directory or a file lists nothing. */
async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => !name.startsWith('.')).sort(compareNames)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return []
    throw fileAccessError(error, 'read directory', dir)
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
