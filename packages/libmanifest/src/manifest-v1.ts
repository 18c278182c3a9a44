import { DisnixError } from '@disnix-ts/libmain'
import { findTargetKey, type Infrastructure } from '@disnix-ts/libinfrastructure'
import { childElement, childElements, childText, parseXml, type XmlElement } from '@disnix-ts/libxmlmodel'
import type { Manifest, Service } from './manifest.js'
import type { ServiceMapping, SnapshotMapping } from './service-mapping.js'

/** A dependency of a version 1 activation mapping: target is a target *key*. */
export interface V1Dependency {
  key: string
  target: string
  container: string
}

/** A version 1 activation mapping (spec §2.6). `service` is the store path, `target` a target key. */
export interface V1ActivationMapping {
  key: string
  name: string
  service: string
  type: string
  target: string
  container: string
  dependsOn: V1Dependency[]
  connectsTo: V1Dependency[]
}

export interface V1SnapshotMapping {
  component: string
  container: string
  target: string
  /** The store path of the service. */
  service: string
  type: string
}

/** A version 1 manifest (legacy, spec §2.6). Its `<targets>` section is not needed and not read. */
export interface V1Manifest {
  distribution: Array<{ profile: string; target: string }>
  activation: V1ActivationMapping[]
  snapshots: V1SnapshotMapping[]
}

export const V1_VERSION_MESSAGE = 'Please provide a manifest file that uses the V1 structure!'

/** Parses a version 1 manifest; any other version is a MANIFEST_VERSION error. */
export function parseV1ManifestXml(text: string, source = 'manifest'): V1Manifest {
  const root = parseXml(text, { source, errorCode: 'MANIFEST_INVALID', expected: 'a version 1 manifest (<manifest version="1">)' })
  if (root.name !== 'manifest' || root.attributes.version !== '1') throw new DisnixError('MANIFEST_VERSION', V1_VERSION_MESSAGE)
  const manifest: V1Manifest = {
    distribution: mappings(root, 'distribution').map((m) => ({ profile: field(m, 'profile'), target: field(m, 'target') })),
    activation: mappings(root, 'activation').map((m) => ({
      key: field(m, 'key'),
      name: field(m, 'name'),
      service: field(m, 'service'),
      type: field(m, 'type'),
      target: field(m, 'target'),
      container: field(m, 'container'),
      dependsOn: dependencies(childElement(m, 'dependsOn')),
      connectsTo: dependencies(childElement(m, 'connectsTo')),
    })),
    snapshots: mappings(root, 'snapshots').map((m) => ({
      component: field(m, 'component'),
      container: field(m, 'container'),
      target: field(m, 'target'),
      service: field(m, 'service'),
      type: field(m, 'type'),
    })),
  }
  const incomplete = manifest.activation.find((m) => !m.key || !m.target || !m.container || !m.service || !m.name || !m.type)
  if (incomplete !== undefined) {
    throw new DisnixError('MANIFEST_INVALID', `${source}: an activation mapping lacks a mandatory property (key, name, service, type, target or container)`)
  }
  return manifest
}

/**
 * Converts a version 1 manifest into the version 2 deployment model: target keys are mapped back to the
 * target names of the infrastructure; activation mappings become services and service mappings;
 * snapshot mappings find their service key through the store path (the original copied the store path
 * into the key field, which no service matches; we look the key up).
 */
export function convertV1Manifest(old: V1Manifest, infrastructure: Infrastructure): Manifest {
  const names = new Map<string, string>()
  for (const [name, target] of Object.entries(infrastructure)) {
    const key = findTargetKey(target)
    if (key !== undefined) names.set(key, name)
  }
  const targetName = (key: string): string => {
    const name = names.get(key)
    if (name === undefined) {
      throw new DisnixError('CONVERT_TARGET_UNKNOWN', `I don't know how to map target: ${key} to any machine in the infrastructure model!`)
    }
    return name
  }
  const convertDependency = (d: V1Dependency): ServiceMapping => ({ service: d.key, container: d.container, target: targetName(d.target) })

  const profiles: Record<string, string> = {}
  for (const item of old.distribution) profiles[targetName(item.target)] = item.profile
  const services: Record<string, Service> = {}
  const serviceMappings: ServiceMapping[] = []
  for (const mapping of old.activation) {
    const target = targetName(mapping.target)
    if (!Object.hasOwn(services, mapping.key)) {
      services[mapping.key] = {
        name: mapping.name,
        pkg: mapping.service,
        type: mapping.type,
        dependsOn: mapping.dependsOn.map(convertDependency),
        connectsTo: mapping.connectsTo.map(convertDependency),
        providesContainers: {},
      }
    }
    serviceMappings.push({ service: mapping.key, container: mapping.container, target })
  }
  const snapshotMappings: SnapshotMapping[] = old.snapshots.map((snapshot) => {
    const target = targetName(snapshot.target)
    const activation =
      old.activation.find((m) => m.service === snapshot.service && m.container === snapshot.container && m.target === snapshot.target) ??
      old.activation.find((m) => m.service === snapshot.service)
    if (activation === undefined) {
      throw new DisnixError(
        'MANIFEST_INVALID',
        `The snapshot mapping of component: ${snapshot.component} refers to service: ${snapshot.service}, which has no activation mapping`,
      )
    }
    return { service: activation.key, component: snapshot.component, container: snapshot.container, target }
  })
  return { profiles, services, infrastructure, serviceMappings, snapshotMappings }
}

function mappings(root: XmlElement, section: string): XmlElement[] {
  const element = childElement(root, section)
  return element === undefined ? [] : childElements(element, 'mapping')
}

function dependencies(section: XmlElement | undefined): V1Dependency[] {
  return (section === undefined ? [] : childElements(section, 'dependency')).map((d) => ({
    key: field(d, 'key'),
    target: field(d, 'target'),
    container: field(d, 'container'),
  }))
}

function field(element: XmlElement, name: string): string {
  return childText(element, name)?.trim() ?? ''
}
