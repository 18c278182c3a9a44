import type { Target } from '@disnix-ts/libinfrastructure'
import { nixValuesEqual, type NixAttrs } from '@disnix-ts/libxmlmodel'
import type { Manifest, Service } from './manifest.js'
import { sameServiceMappingKeys, sameSnapshotMappingKeys } from './service-mapping.js'

/**
 * Semantic equality of two manifests (spec §2.2 `compare_manifests`): same profiles, same services
 * (name, pkg, type, dependsOn and connectsTo as sets, provided containers), same service mapping and
 * snapshot mapping keys, same targets. Order and formatting do not matter.
 */
export function compareManifests(a: Manifest, b: Manifest): boolean {
  return (
    sameRecords(a.profiles, b.profiles, (x, y) => x === y) &&
    sameRecords(a.services, b.services, sameService) &&
    sameServiceMappingKeys(a.serviceMappings, b.serviceMappings) &&
    sameSnapshotMappingKeys(a.snapshotMappings, b.snapshotMappings) &&
    sameRecords(a.infrastructure, b.infrastructure, sameTarget)
  )
}

function sameService(a: Service, b: Service): boolean {
  return (
    a.name === b.name &&
    a.pkg === b.pkg &&
    a.type === b.type &&
    sameServiceMappingKeys(a.dependsOn, b.dependsOn) &&
    sameServiceMappingKeys(a.connectsTo, b.connectsTo) &&
    sameRecords(a.providesContainers, b.providesContainers, nixValuesEqual)
  )
}

function sameTarget(a: Target, b: Target): boolean {
  return (
    nixValuesEqual(a.properties, b.properties) &&
    sameRecords<NixAttrs>(a.containers, b.containers, nixValuesEqual) &&
    a.system === b.system &&
    a.clientInterface === b.clientInterface &&
    a.targetProperty === b.targetProperty &&
    a.numOfCores === b.numOfCores
  )
}

function sameRecords<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>, same: (x: T, y: T) => boolean): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && same(a[key] as T, b[key] as T))
}
