import { DisnixError, invalidNameMessage, isValidModuleType, isValidName, MODULE_TYPE_RULE } from '@disnix-ts/libmain'
import { checkTarget, type Target } from '@disnix-ts/libinfrastructure'
import type { Manifest, Service } from './manifest.js'

/**
 * Every problem of spec §2.2's validation, one message each: services need name, pkg and type;
 * mappings need service, container, target (snapshots also component); targets need numOfCores > 0,
 * targetProperty, clientInterface and their address property; mappings must reference an existing
 * service and target. Beyond the original: names of services, targets and containers follow the
 * naming rule, types are module names or absolute paths, and components are single path entries,
 * since the targets turn them into file names and arguments.
 */
export function manifestProblems(manifest: Manifest): string[] {
  const problems: string[] = []
  for (const target of Object.keys(manifest.profiles)) {
    if (!isValidName(target)) problems.push(`Profile: ${invalidNameMessage('target', target)}`)
  }
  for (const [key, service] of Object.entries(manifest.services)) problems.push(...serviceProblems(key, service))
  for (const target of Object.values(manifest.infrastructure)) problems.push(...checkTarget(target as Target))
  manifest.serviceMappings.forEach((mapping, i) => {
    problems.push(...missingFields(`Service mapping: ${i}`, mapping, ['service', 'container', 'target']))
    problems.push(...containerProblems(`Service mapping: ${i}`, mapping))
    problems.push(...referenceProblems(`Service mapping: ${i}`, mapping, manifest))
  })
  manifest.snapshotMappings.forEach((mapping, i) => {
    problems.push(...missingFields(`Snapshot mapping: ${i}`, mapping, ['service', 'component', 'container', 'target']))
    problems.push(...containerProblems(`Snapshot mapping: ${i}`, mapping))
    if (mapping.component !== '' && !COMPONENT.test(mapping.component)) {
      problems.push(`Snapshot mapping: ${i} has an invalid component: ${JSON.stringify(mapping.component)} (the name of a store path without its hash)`)
    }
    problems.push(...referenceProblems(`Snapshot mapping: ${i}`, mapping, manifest))
  })
  return problems
}

/** A snapshot component is a store path name without its hash: one directory entry, never `.`/`..`. */
const COMPONENT = /^[A-Za-z0-9+_?=-][A-Za-z0-9+._?=-]*$/

function containerProblems(what: string, mapping: { container: string }): string[] {
  return mapping.container === '' || isValidName(mapping.container) ? [] : [`${what}: ${invalidNameMessage('container', mapping.container)}`]
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
  if (service.name !== '' && !isValidName(service.name)) problems.push(`Service: ${key}: ${invalidNameMessage('service', service.name)}`)
  if (service.type !== '' && !isValidModuleType(service.type)) problems.push(`Service: ${key}: the type ${JSON.stringify(service.type)} is not valid: ${MODULE_TYPE_RULE}`)
  for (const container of Object.keys(service.providesContainers)) {
    if (!isValidName(container)) problems.push(`Service: ${key} provides a container: ${invalidNameMessage('container', container)}`)
  }
  for (const dependencies of [service.dependsOn, service.connectsTo]) {
    dependencies.forEach((m, i) => {
      problems.push(...missingFields(`Service: ${key} inter-dependency: ${i}`, m, ['service', 'container', 'target']))
      problems.push(...containerProblems(`Service: ${key} inter-dependency: ${i}`, m))
    })
  }
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
