import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { DisnixError } from '@disnix-ts/libmain'
import { sortedServiceNames, targetsToServices, type CandidateDistribution } from './candidate-distribution.js'
import { numericProperty } from './numeric-property.js'

export interface MinSetCoverOptions {
  infrastructure: Infrastructure
  distribution: CandidateDistribution
  /** The target property holding a machine's cost (missing means 0). */
  targetProperty: string
}

/**
 * Greedy approximation of the minimum set cover problem (Heydarnoori and Binder, as the original's
 * dydisnix-minsetcover): until every service is covered, pick the target (sorted order, first of
 * equals) with the lowest cost per service it would newly cover, and map those services to it.
 * The result is within a factor H(n) of the cheapest cover, not always the cheapest.
 *
 * Differences from the original: targets that cover nothing new are never picked (the original can
 * loop forever on them), a service without candidates is an error (the original loops forever), and
 * a mapping keeps its container.
 */
export function minSetCover(options: MinSetCoverOptions): CandidateDistribution {
  const { infrastructure, distribution, targetProperty } = options
  const names = sortedServiceNames(distribution)
  const empty = names.find((name) => distribution[name]!.length === 0)
  if (empty !== undefined) throw new DisnixError('PLANNING_FAILED', `Service: ${empty} has no candidate targets, so the services cannot be covered`)
  const byTarget = targetsToServices(distribution)
  const cost = (target: string): number => {
    const properties = infrastructure[target]?.properties
    if (properties === undefined) throw new DisnixError('DISTRIBUTION_INVALID', `Candidate target: ${target} is not in the infrastructure model`)
    const value = properties[targetProperty]
    return value === undefined || value === null ? 0 : numericProperty(value, `Property ${targetProperty} of target: ${target}`)
  }
  const result: CandidateDistribution = Object.fromEntries(names.map((name) => [name, []]))
  const covered = new Set<string>()
  while (covered.size < names.length) {
    let best: string | undefined
    let bestFraction = 0
    for (const [target, services] of byTarget) {
      const uncovered = services.filter((s) => !covered.has(s)).length
      if (uncovered === 0) continue
      const fraction = cost(target) / uncovered
      if (best === undefined || fraction < bestFraction) {
        best = target
        bestFraction = fraction
      }
    }
    for (const service of byTarget.get(best!)!) {
      if (covered.has(service)) continue
      covered.add(service)
      const mapping = distribution[service]!.find((m) => m.target === best)!
      result[service]!.push(mapping)
    }
  }
  return result
}
