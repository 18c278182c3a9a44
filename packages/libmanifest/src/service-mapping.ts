import { compareBytes } from '@disnix-ts/libxmlmodel'

/**
 * A service (by hash) placed in a container of a target. Also the shape of a dependency
 * (`dependsOn`/`connectsTo` entry). `containerProvidedByService` names the hash of the service that
 * provides the container; it is not part of the mapping's identity (spec §2.2).
 */
export interface ServiceMapping {
  service: string
  container: string
  target: string
  containerProvidedByService?: string
}

/**
 * A stateful service's snapshot mapping: `component` is the package name (store path without hash).
 * `containerProvidedByService` is kept as disnix-manifest writes it; it is not part of the identity.
 */
export interface SnapshotMapping {
  service: string
  component: string
  container: string
  target: string
  containerProvidedByService?: string
}

/** The order of spec §2.2: by target, then container, then service. */
export function compareServiceMappings(a: ServiceMapping, b: ServiceMapping): number {
  return compareBytes(a.target, b.target) || compareBytes(a.container, b.container) || compareBytes(a.service, b.service)
}

/** The order of spec §2.2: by target, then container, then component. */
export function compareSnapshotMappings(a: SnapshotMapping, b: SnapshotMapping): number {
  return compareBytes(a.target, b.target) || compareBytes(a.container, b.container) || compareBytes(a.component, b.component)
}

/** A copy in the order of spec §2.2. */
export function sortServiceMappings<T extends ServiceMapping>(mappings: readonly T[]): T[] {
  return [...mappings].sort(compareServiceMappings)
}

export function sortSnapshotMappings<T extends SnapshotMapping>(mappings: readonly T[]): T[] {
  return [...mappings].sort(compareSnapshotMappings)
}

/** The identity of a service mapping: (target, container, service). */
export function serviceMappingKey(mapping: ServiceMapping): string {
  return `${mapping.target}\u0000${mapping.container}\u0000${mapping.service}`
}

/** The identity of a snapshot mapping: (target, container, component). */
export function snapshotMappingKey(mapping: SnapshotMapping): string {
  return `${mapping.target}\u0000${mapping.container}\u0000${mapping.component}`
}

/** The mapping with the same (target, container, service), if any. */
export function findServiceMapping<T extends ServiceMapping>(mappings: readonly T[], key: ServiceMapping): T | undefined {
  return mappings.find((m) => compareServiceMappings(m, key) === 0)
}

/** Mappings of `a` whose key also occurs in `b`, taken from `a`, sorted (spec §2.2 order). */
export function intersectServiceMappings<T extends ServiceMapping>(a: readonly T[], b: readonly ServiceMapping[]): T[] {
  const keys = new Set(b.map(serviceMappingKey))
  return sortServiceMappings(uniqueByKey(a, serviceMappingKey).filter((m) => keys.has(serviceMappingKey(m))))
}

/** Mappings of `a` whose key does not occur in `b`, sorted (spec §2.2 order). */
export function subtractServiceMappings<T extends ServiceMapping>(a: readonly T[], b: readonly ServiceMapping[]): T[] {
  const keys = new Set(b.map(serviceMappingKey))
  return sortServiceMappings(uniqueByKey(a, serviceMappingKey).filter((m) => !keys.has(serviceMappingKey(m))))
}

/** The mappings of both, each key once (taken from `a` first), sorted. */
export function unionServiceMappings<T extends ServiceMapping>(a: readonly T[], b: readonly T[]): T[] {
  return sortServiceMappings(uniqueByKey([...a, ...b], serviceMappingKey))
}

export function intersectSnapshotMappings<T extends SnapshotMapping>(a: readonly T[], b: readonly SnapshotMapping[]): T[] {
  const keys = new Set(b.map(snapshotMappingKey))
  return sortSnapshotMappings(uniqueByKey(a, snapshotMappingKey).filter((m) => keys.has(snapshotMappingKey(m))))
}

export function subtractSnapshotMappings<T extends SnapshotMapping>(a: readonly T[], b: readonly SnapshotMapping[]): T[] {
  const keys = new Set(b.map(snapshotMappingKey))
  return sortSnapshotMappings(uniqueByKey(a, snapshotMappingKey).filter((m) => !keys.has(snapshotMappingKey(m))))
}

/** True when both hold the same set of keys (duplicates and order ignored). */
export function sameServiceMappingKeys(a: readonly ServiceMapping[], b: readonly ServiceMapping[]): boolean {
  return sameKeys(a.map(serviceMappingKey), b.map(serviceMappingKey))
}

export function sameSnapshotMappingKeys(a: readonly SnapshotMapping[], b: readonly SnapshotMapping[]): boolean {
  return sameKeys(a.map(snapshotMappingKey), b.map(snapshotMappingKey))
}

function sameKeys(a: string[], b: string[]): boolean {
  const sa = new Set(a)
  const sb = new Set(b)
  return sa.size === sb.size && [...sa].every((key) => sb.has(key))
}

function uniqueByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>()
  return items.filter((item) => {
    const k = key(item)
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}
