import type { Infrastructure, Target } from '@disnix-ts/libinfrastructure'
import type { NixAttrs } from '@disnix-ts/libxmlmodel'
import type { CandidateDistribution } from './candidate-distribution.js'
import type { ServicesTable } from './services-xml.js'

/** A services table from a compact description: name → { dependsOn?, connectsTo?, ...properties }. */
export function servicesTable(spec: Record<string, NixAttrs & { dependsOn?: string[]; connectsTo?: string[] }>): ServicesTable {
  return Object.fromEntries(
    Object.entries(spec).map(([name, { dependsOn, connectsTo, ...properties }]) => [
      name,
      { name, dependsOn: (dependsOn as string[] | undefined) ?? [], connectsTo: (connectsTo as string[] | undefined) ?? [], properties: { name, ...properties } },
    ]),
  )
}

/** An infrastructure from target name → properties (hostname = the name unless given). */
export function targets(spec: Record<string, NixAttrs>, containers: Record<string, Record<string, NixAttrs>> = {}): Infrastructure {
  return Object.fromEntries(
    Object.entries(spec).map(([name, properties]): [string, Target] => [
      name,
      { name, properties: { hostname: name, ...properties }, containers: containers[name] ?? {}, system: 'x86_64-linux', numOfCores: 1, clientInterface: 'disnix-ssh-client', targetProperty: 'hostname' },
    ]),
  )
}

/** A candidate distribution from service → target names. */
export function candidates(spec: Record<string, string[]>): CandidateDistribution {
  return Object.fromEntries(Object.entries(spec).map(([service, names]) => [service, names.map((target) => ({ target }))]))
}

/** service → target names of a distribution, for compact assertions. */
export function targetNames(distribution: CandidateDistribution): Record<string, string[]> {
  return Object.fromEntries(Object.entries(distribution).map(([service, mappings]) => [service, mappings.map((m) => m.target)]))
}
