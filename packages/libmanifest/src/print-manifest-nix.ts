import type { Target } from '@disnix-ts/libinfrastructure'
import { nixStorePath, printNixExpr, type NixPrintable } from '@disnix-ts/libxmlmodel'
import type { Manifest, ProfileManifest, Service } from './manifest.js'
import type { ServiceMapping, SnapshotMapping } from './service-mapping.js'

/**
 * A manifest as a Nix deployment model (spec §2.7), the input of `disnix-manifest -D`: quoted attribute
 * names, two-space indentation, store paths as `builtins.storePath` so that the model keeps their
 * context. Ends with a newline.
 */
export function printManifestNix(manifest: Manifest): string {
  const value: Record<string, NixPrintable> = {
    profiles: Object.fromEntries(Object.entries(manifest.profiles).map(([name, path]) => [name, nixStorePath(path)])),
    services: servicesValue(manifest.services),
    serviceMappings: manifest.serviceMappings.map(serviceMappingValue),
    snapshotMappings: manifest.snapshotMappings.map(snapshotMappingValue),
    infrastructure: Object.fromEntries(Object.entries(manifest.infrastructure).map(([name, target]) => [name, targetValue(target)])),
  }
  return `${printNixExpr(value)}\n`
}

/** The Nix value of a profile manifest (`disnix-query -f nix`, spec §2.8). */
export function profileManifestNixValue(profileManifest: ProfileManifest): NixPrintable {
  return {
    services: servicesValue(profileManifest.services),
    serviceMappings: profileManifest.serviceMappings.map(serviceMappingValue),
    snapshotMappings: profileManifest.snapshotMappings.map(snapshotMappingValue),
  }
}

function servicesValue(services: Record<string, Service>): NixPrintable {
  return Object.fromEntries(
    Object.entries(services).map(([key, service]) => [
      key,
      {
        name: service.name,
        pkg: nixStorePath(service.pkg),
        type: service.type,
        dependsOn: service.dependsOn.map(serviceMappingValue),
        connectsTo: service.connectsTo.map(serviceMappingValue),
        providesContainers: service.providesContainers,
      },
    ]),
  )
}

function serviceMappingValue(mapping: ServiceMapping): NixPrintable {
  const value: Record<string, NixPrintable> = { service: mapping.service, container: mapping.container, target: mapping.target }
  if (mapping.containerProvidedByService !== undefined) value.containerProvidedByService = mapping.containerProvidedByService
  return value
}

function snapshotMappingValue(mapping: SnapshotMapping): NixPrintable {
  const value: Record<string, NixPrintable> = { service: mapping.service, component: mapping.component, container: mapping.container, target: mapping.target }
  if (mapping.containerProvidedByService !== undefined) value.containerProvidedByService = mapping.containerProvidedByService
  return value
}

function targetValue(target: Target): NixPrintable {
  return {
    properties: target.properties,
    containers: target.containers,
    system: target.system,
    clientInterface: target.clientInterface,
    targetProperty: target.targetProperty,
    numOfCores: target.numOfCores,
  }
}
