import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import type { NixAttrs } from '@disnix-ts/libxmlmodel'
import type { ServiceMapping, SnapshotMapping } from './service-mapping.js'

/** A service of a manifest, keyed by its hash. Dependencies are in document order. */
export interface Service {
  name: string
  /** The service's store path. */
  pkg: string
  /** The Dysnomia module (or `package`). */
  type: string
  dependsOn: ServiceMapping[]
  connectsTo: ServiceMapping[]
  /** Container name → properties, for services that provide containers. */
  providesContainers: Record<string, NixAttrs>
  /**
   * Seconds the service may take to pass its health check after an activation (`healthCheckTimeout`
   * in the services model); absent when the model does not set it (the deployment's default applies).
   */
  healthCheckTimeout?: number
  /**
   * Secrets the target receives at activation (`secrets` in the services model), by name: where each
   * is on the coordinator, never its content. Absent when the model sets none.
   */
  secrets?: Record<string, ServiceSecret>
}

/** A secret of a service: a file on the coordinator, written on the target with mode 0600 for `owner`. */
export interface ServiceSecret {
  /** Absolute path of the file on the coordinator (outside the Nix store). */
  file: string
  /** Owner of the file on the target (default: the user the target side runs as, root). */
  owner?: string
  /** Group of the file on the target (default: the owner's primary group). */
  group?: string
}

/** The deployment manifest (version 2, spec §2.2). Arrays are in document order. */
export interface Manifest {
  /** Target name → target profile store path. */
  profiles: Record<string, string>
  /** Service hash → service. */
  services: Record<string, Service>
  infrastructure: Infrastructure
  serviceMappings: ServiceMapping[]
  snapshotMappings: SnapshotMapping[]
}

/** A target's `profilemanifest.xml` (spec §2.3): the part of a manifest deployed on that target. */
export interface ProfileManifest {
  services: Record<string, Service>
  serviceMappings: ServiceMapping[]
  snapshotMappings: SnapshotMapping[]
}

export function emptyManifest(): Manifest {
  return { profiles: {}, services: {}, infrastructure: {}, serviceMappings: [], snapshotMappings: [] }
}

export function emptyProfileManifest(): ProfileManifest {
  return { services: {}, serviceMappings: [], snapshotMappings: [] }
}
