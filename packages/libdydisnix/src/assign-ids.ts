import { DisnixError } from '@disnix-ts/libmain'
import { compareBytes } from '@disnix-ts/libxmlmodel'
import type { CandidateDistribution } from './candidate-distribution.js'
import type { IdResource, IdResources } from './id-resources.js'
import type { IdsConfig } from './ids-config.js'
import type { ServicesTable } from './services-xml.js'

export const DEFAULT_IDS_SERVICE_PROPERTY = 'requireUniqueIdsFor'

export interface AssignIdsOptions {
  services: ServicesTable
  resources: IdResources
  /** The previous IDs file (emptyIdsConfig() for a first run). */
  previous: IdsConfig
  /**
   * Only services deployed by this distribution get IDs, machine-scoped ones per target. Without a
   * distribution every service gets IDs, and only global resources are allowed.
   */
  distribution?: CandidateDistribution
  /** The service property listing the resources a service needs unique IDs of. */
  serviceProperty?: string
  /** Names the ID resources model in messages. */
  resourcesLabel?: string
}

/**
 * Assigns unique IDs (the original's dydisnix-id-assign), keeping the IDs file stable across runs:
 * an assignment that is still valid is kept (the service still needs the resource, is still deployed,
 * the ID is in range; machine-scoped: on the same target), services without one get the next free ID
 * after the last one handed out (wrapping around at `max`, in steps of `step`), and assignments of
 * removed services are dropped, which frees their IDs once the search wraps around.
 *
 * Differences from the original: a globally unique ID of a service deployed to several targets is
 * kept (the original reassigns it on every run); a service that needs a machine-scoped ID and is
 * mapped to several targets is an error (the original may hand out a duplicate); a resource a service
 * asks for that the resources model lacks is an error (the original ignores it).
 */
export function assignIds(options: AssignIdsOptions): IdsConfig {
  const property = options.serviceProperty ?? DEFAULT_IDS_SERVICE_PROPERTY
  const label = options.resourcesLabel ?? 'the ID resources model'
  const { services, resources, distribution } = options
  const placement = distribution === undefined ? undefined : targetsOf(distribution)
  const required = requiredResources(services, property, resources, label)

  const deployed = (service: string) => (placement === undefined ? Object.hasOwn(services, service) : (placement.get(service)?.length ?? 0) > 0)
  const result: IdsConfig = { ids: {}, lastAssignments: {}, lastAssignmentsPerTarget: {}, assignmentTargets: {} }

  for (const name of sorted(Object.keys(resources))) {
    const resource = resources[name]!
    if (resource.scope === 'machine' && placement === undefined) {
      throw new DisnixError('ID_RESOURCES_INVALID', `${label}: resource \`${name}' has scope "machine", which needs a distribution model (-d) to know the machines`)
    }
    const wanting = sorted(Object.keys(services)).filter((s) => required.get(s)!.includes(name) && deployed(s))
    const previousIds = options.previous.ids[name] ?? {}
    const previousTargets = options.previous.assignmentTargets[name] ?? {}
    const ids: Record<string, number> = {}
    const targets: Record<string, string> = {}

    if (resource.scope === 'global') {
      const taken = new Set<number>()
      for (const service of wanting) {
        const id = previousIds[service]
        if (id !== undefined && inRange(resource, id) && !taken.has(id)) {
          ids[service] = id
          taken.add(id)
        }
      }
      let last = options.previous.lastAssignments[name]
      for (const service of wanting) {
        if (ids[service] !== undefined) continue
        const id = nextId(resource, taken, last, name)
        ids[service] = id
        taken.add(id)
        last = id
      }
      if (last !== undefined) result.lastAssignments[name] = last
    } else {
      const byTarget = new Map<string, string[]>()
      for (const service of wanting) {
        const serviceTargets = placement!.get(service)!
        if (serviceTargets.length > 1) {
          throw new DisnixError('ID_ASSIGNMENT_FAILED', `Service: ${service} needs a unique ID of resource \`${name}', which is unique per machine, so it can be deployed to one target only, but it is mapped to: ${serviceTargets.join(', ')}`)
        }
        const target = serviceTargets[0]!
        byTarget.set(target, [...(byTarget.get(target) ?? []), service])
      }
      for (const target of sorted([...byTarget.keys()])) {
        const taken = new Set<number>()
        const onTarget = byTarget.get(target)!
        for (const service of onTarget) {
          const id = previousIds[service]
          const sameTarget = previousTargets[service] === undefined || previousTargets[service] === target
          if (id !== undefined && sameTarget && inRange(resource, id) && !taken.has(id)) {
            ids[service] = id
            targets[service] = target
            taken.add(id)
          }
        }
        let last = options.previous.lastAssignmentsPerTarget[target]?.[name]
        for (const service of onTarget) {
          if (ids[service] !== undefined) continue
          const id = nextId(resource, taken, last, `${name}' on target '${target}`)
          ids[service] = id
          targets[service] = target
          taken.add(id)
          last = id
        }
        if (last !== undefined) (result.lastAssignmentsPerTarget[target] ??= {})[name] = last
      }
    }
    if (Object.keys(ids).length > 0) result.ids[name] = ids
    if (Object.keys(targets).length > 0) result.assignmentTargets[name] = targets
  }
  // Last assignments of resources that are still defined survive runs in which nothing needs them.
  for (const [name, last] of Object.entries(options.previous.lastAssignments)) {
    if (resources[name]?.scope === 'global' && result.lastAssignments[name] === undefined) result.lastAssignments[name] = last
  }
  if (placement !== undefined) {
    const deployedTargets = new Set([...placement.values()].flat())
    for (const [target, perResource] of Object.entries(options.previous.lastAssignmentsPerTarget)) {
      if (!deployedTargets.has(target)) continue
      for (const [name, last] of Object.entries(perResource)) {
        if (resources[name]?.scope === 'machine' && result.lastAssignmentsPerTarget[target]?.[name] === undefined) (result.lastAssignmentsPerTarget[target] ??= {})[name] = last
      }
    }
  }
  return result
}

/** The next free ID after `last` (or `min`), wrapping around at `max`. */
export function nextId(resource: IdResource, taken: ReadonlySet<number>, last: number | undefined, what: string): number {
  const advance = (id: number) => (id + resource.step > resource.max ? resource.min : id + resource.step)
  let id = last === undefined || !inRange(resource, last) ? resource.min : advance(last)
  // Every reachable ID is visited within (max - min + 1) steps.
  for (let tries = resource.max - resource.min + 1; tries > 0; tries--) {
    if (!taken.has(id)) return id
    id = advance(id)
  }
  throw new DisnixError('ID_ASSIGNMENT_FAILED', `The IDs of resource \`${what}' are depleted (${resource.min}..${resource.max}, step ${resource.step}, ${taken.size} in use)`)
}

function inRange(resource: IdResource, id: number): boolean {
  return id >= resource.min && id <= resource.max
}

function targetsOf(distribution: CandidateDistribution): Map<string, string[]> {
  return new Map(Object.entries(distribution).map(([s, mappings]) => [s, [...new Set(mappings.map((m) => m.target))].sort(compareBytes)]))
}

/** service → the resources it needs IDs of; checks the property and that the resources exist. */
function requiredResources(services: ServicesTable, property: string, resources: IdResources, label: string): Map<string, string[]> {
  const result = new Map<string, string[]>()
  for (const [name, service] of Object.entries(services)) {
    const value = service.properties[property]
    if (value === undefined || value === null) {
      result.set(name, [])
      continue
    }
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new DisnixError('SERVICES_INVALID', `Service: ${name}: property \`${property}' must be a list of ID resource names`)
    }
    const unknown = (value as string[]).find((r) => !Object.hasOwn(resources, r))
    if (unknown !== undefined) {
      throw new DisnixError('ID_RESOURCES_INVALID', `Service: ${name} needs unique IDs of resource \`${unknown}' (its ${property}), which ${label} does not define`)
    }
    result.set(name, value as string[])
  }
  return result
}

function sorted(names: string[]): string[] {
  return [...names].sort(compareBytes)
}
