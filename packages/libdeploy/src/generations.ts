import { readlink, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DisnixError } from '@disnix-ts/libmain'
import { generationLinks, type GenerationLink } from '@disnix-ts/libnix'

/** The generation a rollback deploys: the one before the current (highest) one. */
export async function rollbackTarget(dir: string, profile: string): Promise<{ target: GenerationLink; current: GenerationLink }> {
  const links = await generationLinks(dir, profile)
  const current = links.at(-1)
  const previous = links.at(-2)
  if (current === undefined || previous === undefined) {
    throw new DisnixError('NO_PREVIOUS_DEPLOYMENT', 'Unable to roll back as there are no known previous deployments!')
  }
  return { target: previous, current }
}

/** The link of generation N, which must exist, and the current one. */
export async function switchTarget(dir: string, profile: string, generation: number): Promise<{ target: GenerationLink; current?: GenerationLink }> {
  const links = await generationLinks(dir, profile)
  const target = links.find((l) => l.generation === generation)
  if (target === undefined) {
    throw new DisnixError(
      'NO_SUCH_GENERATION',
      `Cannot switch profile generations, because the requested profile: ${join(dir, `${profile}-${generation}-link`)} does not exist!`,
    )
  }
  return { target, current: links.at(-1) }
}

/** Removes the profile link and every generation link (`--delete-all-generations`). */
export async function deleteAllGenerations(dir: string, profile: string): Promise<number> {
  const links = await generationLinks(dir, profile)
  await rm(join(dir, profile), { force: true })
  await Promise.all(links.map((l) => rm(l.path, { force: true })))
  return links.length
}

/** Where a generation link points (the manifest's store path). */
export async function generationManifest(link: GenerationLink): Promise<string> {
  return readlink(link.path)
}
