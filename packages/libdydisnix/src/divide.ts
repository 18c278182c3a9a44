import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { DisnixError } from '@disnix-ts/libmain'
import { sortedServiceNames, type CandidateDistribution, type CandidateMapping } from './candidate-distribution.js'
import { numericProperty } from './numeric-property.js'
import type { ServicesTable } from './services-xml.js'

export const DIVIDE_STRATEGIES = ['greedy', 'highest-bidder', 'lowest-bidder'] as const
export type DivideStrategy = (typeof DIVIDE_STRATEGIES)[number]

export interface DivideOptions {
  strategy: DivideStrategy
  services: ServicesTable
  infrastructure: Infrastructure
  distribution: CandidateDistribution
  /** The service property holding what a service needs (e.g. requireMem). */
  serviceProperty: string
  /** The target property holding a machine's total capacity (e.g. mem). */
  targetProperty: string
}

/**
 * One-dimensional division (the original's dydisnix-divide): services in sorted order each take their
 * `serviceProperty` from the remaining `targetProperty` capacity of one candidate. Candidates without
 * the target property are not considered.
 * - greedy: the first candidate (in candidate order) with enough capacity left;
 * - highest-bidder: the candidate with the most capacity left (the first of equals), if it fits;
 * - lowest-bidder: the candidate with the least capacity left that still fits (the first of equals).
 * A service that fits nowhere fails the division (no partial result).
 */
export function divide(options: DivideOptions): CandidateDistribution {
  const { services, infrastructure, distribution, serviceProperty, targetProperty } = options
  const remaining = new Map<string, number>()
  const capacity = (target: string): number | undefined => {
    if (!remaining.has(target)) {
      const properties = infrastructure[target]?.properties
      if (properties === undefined) throw new DisnixError('DISTRIBUTION_INVALID', `Candidate target: ${target} is not in the infrastructure model`)
      const value = properties[targetProperty]
      if (value === undefined || value === null) return undefined
      remaining.set(target, numericProperty(value, `Property ${targetProperty} of target: ${target}`))
    }
    return remaining.get(target)
  }
  const result: CandidateDistribution = {}
  for (const name of sortedServiceNames(distribution)) {
    const service = services[name]
    if (service === undefined) throw new DisnixError('DISTRIBUTION_INVALID', `Service: ${name} of the distribution is not in the services model`)
    const raw = service.properties[serviceProperty]
    if (raw === undefined || raw === null) throw new DisnixError('PROPERTY_INVALID', `Service: ${name} has no property named: ${serviceProperty}`)
    const need = numericProperty(raw, `Property ${serviceProperty} of service: ${name}`)
    const chosen = selectCandidate(options.strategy, distribution[name]!, need, capacity)
    if (chosen === undefined) {
      throw new DisnixError('PLANNING_FAILED', `Unable to select a target machine for service: ${name}, because none of them has sufficient resources left (${serviceProperty} = ${need})!`)
    }
    remaining.set(chosen.target, capacity(chosen.target)! - need)
    result[name] = [chosen]
  }
  return result
}

function selectCandidate(strategy: DivideStrategy, candidates: readonly CandidateMapping[], need: number, capacity: (target: string) => number | undefined): CandidateMapping | undefined {
  let chosen: CandidateMapping | undefined
  let chosenLeft = 0
  for (const mapping of candidates) {
    const left = capacity(mapping.target)
    if (left === undefined || need > left) continue
    if (strategy === 'greedy') return mapping
    const better = chosen === undefined || (strategy === 'highest-bidder' ? left > chosenLeft : left < chosenLeft)
    if (better) {
      chosen = mapping
      chosenLeft = left
    }
  }
  return chosen
}
