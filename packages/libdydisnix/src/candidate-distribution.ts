import { compareBytes } from '@disnix-ts/libxmlmodel'

/** One candidate of a service: a target name, and the container when it is not the service's type. */
export interface CandidateMapping {
  target: string
  container?: string
}

/**
 * Service name → candidate targets, in order (the original's distribution table). Algorithms visit
 * services in sorted (byte) order, as the original's ordered iteration does.
 */
export type CandidateDistribution = Record<string, CandidateMapping[]>

/** Service names in the order the algorithms visit them. */
export function sortedServiceNames(distribution: CandidateDistribution): string[] {
  return Object.keys(distribution).sort(compareBytes)
}

/** Target name → the services that have it as a candidate, services in sorted order (targettoservicestable). */
export function targetsToServices(distribution: CandidateDistribution): Map<string, string[]> {
  const result = new Map<string, string[]>()
  for (const service of sortedServiceNames(distribution)) {
    for (const mapping of distribution[service]!) {
      const services = result.get(mapping.target) ?? []
      if (!services.includes(service)) services.push(service)
      result.set(mapping.target, services)
    }
  }
  return new Map([...result.entries()].sort(([a], [b]) => compareBytes(a, b)))
}

/** Whether no mapping names a container: then the distribution prints as lists of target names. */
export function isAutomapped(distribution: CandidateDistribution): boolean {
  return Object.values(distribution).every((mappings) => mappings.every((m) => m.container === undefined))
}

/** A distribution with the services in sorted order (for printing). */
export function sortDistribution(distribution: CandidateDistribution): CandidateDistribution {
  return Object.fromEntries(sortedServiceNames(distribution).map((name) => [name, distribution[name]!]))
}
