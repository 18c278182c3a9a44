/**
 * The pure half of a transition (spec §5.5): which service mappings are deactivated, which are
 * activated and which stay, computed from the new and the previous configuration. Mapping identity is
 * (target, container, service hash); only `dependsOn` (which already includes `activatesAfter`) orders.
 */

export interface MappingRef {
  service: string
  container: string
  target: string
}

export interface TransitionMapping extends MappingRef {
  containerProvidedByService?: string
}

export interface TransitionService {
  name: string
  pkg: string
  type: string
  dependsOn: readonly MappingRef[]
}

export interface TransitionInput {
  newMappings: readonly TransitionMapping[]
  newServices: Readonly<Record<string, TransitionService>>
  /** Absent when there is no previous deployment (or with --no-upgrade). */
  oldMappings?: readonly TransitionMapping[]
  oldServices?: Readonly<Record<string, TransitionService>>
}

export interface TransitionPlan {
  /** D = O − N: obsolete mappings, deactivated dependants first. */
  deactivate: TransitionMapping[]
  /** A = N − O: new mappings, activated dependencies first. */
  activate: TransitionMapping[]
  /** I = N ∩ O: left alone. */
  unchanged: TransitionMapping[]
  /** O, or undefined without a previous deployment: what a rollback re-activates. */
  old?: TransitionMapping[]
  /** The unified array U = O ∪ (N − I). */
  unified: TransitionMapping[]
  /** New services ∪ old services, new ones winning. */
  services: Record<string, TransitionService>
}

export function mappingKey(mapping: MappingRef): string {
  return `${mapping.target}\u0000${mapping.container}\u0000${mapping.service}`
}

export function planTransition(input: TransitionInput): TransitionPlan {
  const services: Record<string, TransitionService> = { ...(input.oldServices ?? {}), ...input.newServices }
  const newKeys = new Set(input.newMappings.map(mappingKey))
  if (input.oldMappings === undefined) {
    const activate = sortMappings(input.newMappings)
    return { deactivate: [], activate, unchanged: [], unified: activate, services }
  }
  const oldKeys = new Set(input.oldMappings.map(mappingKey))
  const old = sortMappings(input.oldMappings)
  const deactivate = old.filter((m) => !newKeys.has(mappingKey(m)))
  const unchanged = old.filter((m) => newKeys.has(mappingKey(m)))
  const activate = sortMappings(input.newMappings.filter((m) => !oldKeys.has(mappingKey(m))))
  return { deactivate, activate, unchanged, old, unified: [...old, ...activate], services }
}

/** The manifest's canonical order: by (target, container, service). */
export function sortMappings<T extends MappingRef>(mappings: readonly T[]): T[] {
  return [...mappings].sort((a, b) => compare(a.target, b.target) || compare(a.container, b.container) || compare(a.service, b.service))
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
