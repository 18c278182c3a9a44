import { createHash } from 'node:crypto'
import { resolve } from 'node:path'
import { nixEvalJson } from '@disnix-ts/libnix'

/** What self-adaptation compares between rounds: a hash of the evaluated model and its targets. */
export interface InfrastructureState {
  hash: string
  targets: string[]
}

/** Evaluates an infrastructure model and fingerprints it (the original hashes its XML). */
export async function infrastructureState(file: string, env?: NodeJS.ProcessEnv): Promise<InfrastructureState> {
  const value = await nixEvalJson({ file: resolve(file), env })
  const text = JSON.stringify(value)
  const targets = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value).sort() : []
  return { hash: createHash('sha256').update(text).digest('hex'), targets }
}

/** How the targets changed from one round to the next. */
export function targetChanges(previous: readonly string[], current: readonly string[]): { lost: string[]; added: string[] } {
  return { lost: previous.filter((t) => !current.includes(t)), added: current.filter((t) => !previous.includes(t)) }
}
