import { lstat, mkdir, mkdtemp, readdir, readlink, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { DisnixError } from '@disnix-ts/libmain'
import { importLocal, printMissingLocal, queryLocalSnapshots, resolveLocal, type LocalStoreOptions } from './coordinator-store.js'
import { linkTree } from './copy-snapshots-to.js'

/** The profile whose snapshots stay where the original keeps all of them: Dysnomia's own state dir. */
const DEFAULT_PROFILE = 'default'

export interface SnapshotStoreLocation {
  profile: string
  /** Dysnomia's state dir on the coordinator (DYSNOMIA_STATEDIR, else its default for the user). */
  stateDir: string
}

/**
 * The coordinator's snapshot store of a profile: the state dir itself for `default` (where the
 * original keeps every snapshot, so existing stores keep working), and `<state dir>/profiles/<name>`
 * for any other profile, so that one profile's data is never restored into another's deployment.
 * Each is a Dysnomia state dir of its own (snapshots, generations, checksums).
 */
export function profileSnapshotStore(location: SnapshotStoreLocation): string {
  const { profile, stateDir } = location
  if (profile === DEFAULT_PROFILE) return stateDir
  if (profile === '' || profile.includes('/') || profile.startsWith('.')) {
    throw new DisnixError('USAGE', `Invalid profile name for a snapshot store: ${JSON.stringify(profile)}`)
  }
  return join(stateDir, 'profiles', profile)
}

/** Dysnomia's state dir for a user: DYSNOMIA_STATEDIR, else /var/state/dysnomia for root and ~/.dysnomia for others. */
export function dysnomiaStateDir(env: NodeJS.ProcessEnv, user: { uid: number; home?: string }): string {
  if (env.DYSNOMIA_STATEDIR) return env.DYSNOMIA_STATEDIR
  if (user.uid === 0) return '/var/state/dysnomia'
  return join(env.HOME || user.home || '/', '.dysnomia')
}

/** One snapshot in a coordinator store, as a restore reports it. */
export interface SnapshotOrigin {
  /** `<container>/<component>/<hash>` */
  id: string
  /** The store's highest generation that refers to it. */
  generation?: number
  /** When it was taken (the time its directory was last written; transfers keep it). */
  takenAt?: Date
}

/**
 * Where a snapshot of the coordinator's store comes from: its generation and when it was taken.
 * Reads the Dysnomia layout next to the resolved snapshot (`generations/<container>/<component>/<N>`
 * links to `../../../snapshots/<id>`).
 */
export async function describeLocalSnapshot(id: string, options: LocalStoreOptions = {}): Promise<SnapshotOrigin> {
  const [path] = await resolveLocal([id], options)
  if (path === undefined) return { id }
  const origin: SnapshotOrigin = { id }
  try {
    origin.takenAt = (await stat(path)).mtime
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    return origin
  }
  const [container, component, hash] = id.split('/')
  const stateDir = dirname(dirname(dirname(dirname(path))))
  const generations = join(stateDir, 'generations', container ?? '', component ?? '')
  let entries: string[] = []
  try {
    entries = await readdir(generations)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    const link = await readlink(join(generations, entry)).catch(() => '')
    if (basename(link) === hash && (origin.generation === undefined || Number(entry) > origin.generation)) origin.generation = Number(entry)
  }
  return origin
}

/** "snapshot fileset/files/ab12… (generation 2, taken 2027-01-01 10:00:02 UTC)" */
export function formatSnapshotOrigin(origin: SnapshotOrigin): string {
  const details = [
    origin.generation === undefined ? undefined : `generation ${origin.generation}`,
    origin.takenAt === undefined ? undefined : `taken ${origin.takenAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`,
  ].filter((detail) => detail !== undefined)
  return `snapshot ${origin.id}${details.length > 0 ? ` (${details.join(', ')})` : ''}`
}

export interface CopyBetweenStoresOptions {
  /** The state dir of the store the snapshots come from. */
  from: string
  /** The state dir of the store they go to. */
  to: string
  container?: string
  component?: string
  /** Every generation (in order) instead of the latest of each component. */
  all: boolean
  signal?: AbortSignal
}

/**
 * Copies snapshots from one coordinator store into another (one profile's into another's): per
 * component the latest (or every) generation, in order, each checked against its checksum first.
 * Snapshots the destination holds are only registered again as its latest generation. Hard links
 * where the file system allows, so a copy costs little space. Returns the ids, in order.
 */
export async function copyBetweenStores(options: CopyBetweenStoresOptions): Promise<string[]> {
  const from = { env: { DYSNOMIA_STATEDIR: options.from }, signal: options.signal }
  const to = { env: { DYSNOMIA_STATEDIR: options.to }, signal: options.signal }
  const components = await listComponents(options.from, options.container, options.component)
  const copied: string[] = []
  for (const { container, component } of components) {
    const ids = await queryLocalSnapshots({ container, component, all: options.all }, from)
    if (ids.length === 0) continue
    const missing = new Set(await printMissingLocal(ids, to))
    const tmpRoot = join(options.to, 'tmp')
    await mkdir(tmpRoot, { recursive: true })
    const staging = await mkdtemp(join(tmpRoot, 'disnix-copy.'))
    try {
      for (const id of ids) {
        options.signal?.throwIfAborted()
        if (!missing.has(id)) {
          await importLocal(container, component, await resolveLocal([id], to), to)
        } else {
          const [source] = await resolveLocal([id], from)
          const staged = join(staging, basename(id))
          await linkTree(source!, staged)
          await importLocal(container, component, [staged], to)
          missing.delete(id)
        }
        copied.push(id)
      }
    } finally {
      await rm(staging, { recursive: true, force: true })
    }
  }
  return copied
}

/** The components a store has generations of, optionally only those of one container or component. */
async function listComponents(stateDir: string, container?: string, component?: string): Promise<{ container: string; component: string }[]> {
  const generations = join(stateDir, 'generations')
  const result: { container: string; component: string }[] = []
  for (const c of await directories(generations)) {
    if (container !== undefined && c !== container) continue
    for (const x of await directories(join(generations, c))) {
      if (component !== undefined && x !== component) continue
      result.push({ container: c, component: x })
    }
  }
  return result
}

async function directories(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path)
    const dirs: string[] = []
    for (const entry of entries.sort()) if ((await lstat(join(path, entry))).isDirectory()) dirs.push(entry)
    return dirs
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}
