import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { hasErrorCode } from '@disnix-ts/libmain'

export interface GenerationLink {
  generation: number
  /** `<dir>/<profile>-<N>-link` */
  path: string
}

/** A profile's generation links (`<dir>/<profile>-<N>-link`), oldest first (numeric order). */
export async function generationLinks(dir: string, profile: string): Promise<GenerationLink[]> {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return []
    throw error
  }
  const pattern = new RegExp(`^${escapeRegExp(profile)}-(\\d+)-link$`)
  return entries
    .map((name) => ({ name, match: pattern.exec(name) }))
    .filter((e): e is { name: string; match: RegExpExecArray } => e.match !== null)
    .map((e) => ({ generation: Number(e.match[1]), path: join(dir, e.name) }))
    .sort((a, b) => a.generation - b.generation)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
