// Looking into the snapshot store a module wrote (DYSNOMIA_STATEDIR/generations, snapshots).
import { readdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'

/** Snapshot ids that generations 1..N of a component point to, in generation order. */
export async function generations(stateDir: string, container: string, component: string): Promise<string[]> {
  const dir = join(stateDir, 'generations', container, component)
  const entries = await readdir(dir).catch(() => [] as string[])
  const numbers = entries.filter((e) => /^\d+$/.test(e)).map(Number).sort((a, b) => a - b)
  const ids: string[] = []
  for (const n of numbers) {
    const target = await readlink(join(dir, String(n)))
    ids.push(target.split('/').pop() ?? '')
  }
  return ids
}

/** Absolute path of the snapshot the latest generation refers to. */
export async function latestSnapshot(stateDir: string, container: string, component: string): Promise<string> {
  const ids = await generations(stateDir, container, component)
  const last = ids.at(-1)
  if (last === undefined) throw new Error(`no generations for ${container}/${component}`)
  return join(stateDir, 'snapshots', container, component, last)
}
