import { targetKey } from '@disnix-ts/libinfrastructure'
import type { CandidateHost } from './candidate-hosts.js'
import { loadTargets } from './load-models.js'

/** The targets of an infrastructure model as candidates: name, address, client interface, address property. */
export async function candidatesOfModel(file: string, defaults: { clientInterface: string; targetProperty: string; env?: NodeJS.ProcessEnv }): Promise<CandidateHost[]> {
  const targets = await loadTargets(file, defaults)
  return Object.values(targets).map((t) => ({ name: t.name, address: targetKey(t), clientInterface: t.clientInterface, targetProperty: t.targetProperty }))
}
