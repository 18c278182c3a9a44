import { DisnixError } from '@disnix-ts/libmain'
import { checkTarget, type Target } from '@disnix-ts/libinfrastructure'
import type { Manifest, Service } from './manifest.js'

/**
 * Every problem of spec §2.2's validation, one message each: services need name, pkg and type;
 * mappings need service, container, target (snapshots also component); targets need numOfCores > 0,
 * targetProperty, clientInterface and their address property; mappings must reference an existing
 * service and target.
 */
export function manifestProblems(manifest: Manifest): string[] {
  const problems: string[] = []
  for (const [key, service] of Object.entries(manifest.services)) problems.push(...serviceProblems(key, service))
  for (const target of Object.values(manifest.infrastructure)) problems.push(...checkTarget(target as Target))
  manifest.serviceMappings.forEach((mapping, i) => {
    problems.push(...missingFields(`Service mapping: ${i}`, mapping, ['service', 'container', 'target']))
    problems.push(...referenceProblems(`Service mapping: ${i}`, mapping, manifest))
  })
  manifest.snapshotMappings.forEach((mapping, i) => {
    problems.push(...missingFields(`Snapshot mapping: ${i}`, mapping, ['service', 'component', 'container', 'target']))
    problems.push(...referenceProblems(`Snapshot mapping: ${i}`, mapping, manifest))
  })
  return problems
}

/** Throws a MANIFEST_INCONSISTENT DisnixError listing the problems when the manifest is invalid. */
export function checkManifest(manifest: Manifest, source = 'manifest'): void {
  const problems = manifestProblems(manifest)
  if (problems.length > 0) {
    throw new DisnixError('MANIFEST_INCONSISTENT', `${source} is invalid:\n${problems.join('\n')}`)
  }
}

function serviceProblems(key: string, service: Service): string[] {
  const problems = missingFields(`Service: ${key}`, service, ['name', 'pkg', 'type'])
  service.dependsOn.forEach((m, i) => problems.push(...missingFields(`Service: ${key} inter-dependency: ${i}`, m, ['service', 'container', 'target'])))
  service.connectsTo.forEach((m, i) => problems.push(...missingFields(`Service: ${key} inter-dependency: ${i}`, m, ['service', 'container', 'target'])))
  return problems
}

function missingFields<T extends object>(what: string, value: T, fields: ReadonlyArray<keyof T & string>): string[] {
  return fields.filter((field) => value[field] === '' || value[field] === undefined).map((field) => `${what} has no ${field}`)
}

function referenceProblems(what: string, mapping: { service: string; target: string }, manifest: Manifest): string[] {
  const problems: string[] = []
  if (mapping.service !== '' && !Object.hasOwn(manifest.services, mapping.service)) {
    problems.push(`${what} contains an incorrect reference to service: ${mapping.service}`)
  }
  if (mapping.target !== '' && !Object.hasOwn(manifest.infrastructure, mapping.target)) {
    problems.push(`${what} contains an incorrect reference to target: ${mapping.target}`)
  }
  return problems
}
