import { DisnixError } from '@disnix-ts/libmain'
import { targetContainer, targetKey, type Infrastructure, type Target } from '@disnix-ts/libinfrastructure'
import { nixValueToText, sortedNames, type NixAttrs } from '@disnix-ts/libxmlmodel'
import type { ServiceMapping } from './service-mapping.js'

/** The part of a manifest that activation parameters come from (a Manifest fits). */
export interface MappingParametersSource {
  services: Readonly<Record<string, MappingParametersService>>
  infrastructure: Infrastructure
}

export interface MappingParametersService {
  type: string
  pkg: string
  providesContainers?: Readonly<Record<string, NixAttrs>>
}

/** What a target-side activity on one mapping needs (spec §5.4). */
export interface MappingParameters {
  /** The Dysnomia module: the service's type, or the providing service's store path. */
  type: string
  /** Container properties as `key=value`, sorted by key. */
  arguments: string[]
  /** The service's store path. */
  pkg: string
  container: string
  /** The target's name in the infrastructure model. */
  targetName: string
  /** The target's address, passed to the client interface as `--target`. */
  targetKey: string
}

/**
 * The activation parameters of a service mapping: `type` is the service type, or the provider's pkg
 * when a service provides the container; the arguments come from the provider's
 * `providesContainers.<container>`, else the target's `containers.<container>` (none if absent), with
 * values rendered as the original does (true → 1, false → empty, lists joined by spaces, attribute
 * sets → empty). The original lists them in hash-table order; we sort them by key so that runs repeat.
 */
export function mappingParameters(manifest: MappingParametersSource, mapping: ServiceMapping): MappingParameters {
  const service = lookupService(manifest, mapping.service, mapping)
  const target = manifest.infrastructure[mapping.target]
  if (target === undefined) {
    throw new DisnixError('MANIFEST_INVALID', `The mapping of service: ${mapping.service} refers to an unknown target: ${mapping.target}`)
  }
  let type = service.type
  let properties: NixAttrs | undefined
  if (mapping.containerProvidedByService !== undefined) {
    const provider = lookupService(manifest, mapping.containerProvidedByService, mapping)
    type = provider.pkg
    properties = provider.providesContainers?.[mapping.container]
  } else {
    properties = targetContainer(target as Target, mapping.container)
  }
  return {
    type,
    arguments: containerArguments(properties ?? {}),
    pkg: service.pkg,
    container: mapping.container,
    targetName: mapping.target,
    targetKey: targetKey(target),
  }
}

/** Container properties as `key=value` strings, rendered as in spec §5.4, sorted by key. */
export function containerArguments(properties: NixAttrs): string[] {
  return sortedNames(properties).map((name) => `${name}=${nixValueToText(properties[name] ?? null)}`)
}

function lookupService(manifest: MappingParametersSource, key: string, mapping: ServiceMapping): MappingParametersService {
  const service = manifest.services[key]
  if (service === undefined) {
    throw new DisnixError(
      'MANIFEST_INVALID',
      `The mapping of container: ${mapping.container} on target: ${mapping.target} refers to an unknown service: ${key}`,
    )
  }
  return service
}
