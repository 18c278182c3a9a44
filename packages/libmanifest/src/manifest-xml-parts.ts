import { DisnixError } from '@disnix-ts/libmain'
import {
  childElement,
  childElements,
  childText,
  isNixAttrs,
  parseTypedAttrs,
  parseTypedValue,
  sortedNames,
  typedAttrsNodes,
  type NixAttrs,
  type XmlElement,
  type XmlNode,
} from '@disnix-ts/libxmlmodel'
import type { Service, ServiceSecret } from './manifest.js'
import type { ServiceMapping, SnapshotMapping } from './service-mapping.js'

/** How the element readers shared by manifests and profile manifests behave. */
export interface SectionOptions {
  /** The target of a mapping that has no `<target>` (spec §2.2). */
  defaultTarget: string
  /** Names the file in error messages. */
  source: string
}

export interface SnapshotFilter {
  container?: string
  component?: string
}

export function parseServices(section: XmlElement | undefined, options: SectionOptions): Record<string, Service> {
  const services: Record<string, Service> = {}
  for (const element of section === undefined ? [] : childElements(section, 'service')) {
    const key = element.attributes.name ?? ''
    const service: Service = {
      name: field(element, 'name'),
      pkg: field(element, 'pkg'),
      type: field(element, 'type'),
      dependsOn: parseServiceMappings(childElement(element, 'dependsOn'), options),
      connectsTo: parseServiceMappings(childElement(element, 'connectsTo'), options),
      providesContainers: parseProvidedContainers(childElement(element, 'providesContainers'), key, options),
    }
    const timeout = childText(element, 'healthCheckTimeout')?.trim()
    if (timeout !== undefined) service.healthCheckTimeout = parseSeconds(timeout, key, options)
    const secrets = childElement(element, 'secrets')
    if (secrets !== undefined) service.secrets = parseSecrets(secrets, key, options)
    services[key] = service
  }
  return services
}

export function parseServiceMappings(section: XmlElement | undefined, options: SectionOptions): ServiceMapping[] {
  return (section === undefined ? [] : childElements(section, 'mapping')).map((element) => {
    const mapping: ServiceMapping = {
      service: field(element, 'service'),
      container: field(element, 'container'),
      target: childText(element, 'target')?.trim() || options.defaultTarget,
    }
    const provider = childText(element, 'containerProvidedByService')?.trim()
    if (provider) mapping.containerProvidedByService = provider
    return mapping
  })
}

export function parseSnapshotMappings(section: XmlElement | undefined, options: SectionOptions, filter: SnapshotFilter = {}): SnapshotMapping[] {
  return (section === undefined ? [] : childElements(section, 'mapping'))
    .map((element) => {
      const mapping: SnapshotMapping = {
        service: field(element, 'service'),
        component: field(element, 'component'),
        container: field(element, 'container'),
        target: childText(element, 'target')?.trim() || options.defaultTarget,
      }
      const provider = childText(element, 'containerProvidedByService')?.trim()
      if (provider) mapping.containerProvidedByService = provider
      return mapping
    })
    .filter(
      (mapping) =>
        (filter.container === undefined || mapping.container === filter.container) &&
        (filter.component === undefined || mapping.component === filter.component),
    )
}

function parseProvidedContainers(section: XmlElement | undefined, key: string, options: SectionOptions): Record<string, NixAttrs> {
  const containers: Record<string, NixAttrs> = {}
  const typed = { source: `${options.source}: service: ${key}`, errorCode: 'MANIFEST_INVALID' as const }
  for (const element of section === undefined ? [] : childElements(section, 'container')) {
    const name = element.attributes.name ?? ''
    const value = element.attributes.type === undefined ? parseTypedAttrs(element, typed) : parseTypedValue(element, typed)
    if (!isNixAttrs(value)) {
      throw new DisnixError('MANIFEST_INVALID', `${options.source}: service: ${key} provides container: ${name}, which is not an attribute set`)
    }
    containers[name] = value
  }
  return containers
}

function parseSeconds(text: string, key: string, options: SectionOptions): number {
  if (!/^[0-9]+$/.test(text)) {
    throw new DisnixError('MANIFEST_INVALID', `${options.source}: service: ${key} has an invalid healthCheckTimeout: ${JSON.stringify(text)} (expected whole seconds)`)
  }
  return Number(text)
}

/** `<secret name="N"><file>…</file>[<owner>…</owner>][<group>…</group>]</secret>…`, checked as the models are. */
function parseSecrets(section: XmlElement, key: string, options: SectionOptions): Record<string, ServiceSecret> {
  const secrets: Record<string, ServiceSecret> = {}
  for (const element of childElements(section, 'secret')) {
    const name = element.attributes.name ?? ''
    const file = field(element, 'file')
    const invalid = (problem: string) => new DisnixError('MANIFEST_INVALID', `${options.source}: service: ${key} has an invalid secret ${JSON.stringify(name)}: ${problem}`)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw invalid('its name must consist of letters, digits and _')
    if (!file.startsWith('/') || file.includes('\0') || /(^|\/)\.\.?(\/|$)/.test(file)) throw invalid(`its file must be an absolute path, not ${JSON.stringify(file)}`)
    const secret: ServiceSecret = { file }
    const owner = childText(element, 'owner')?.trim()
    const group = childText(element, 'group')?.trim()
    if (owner !== undefined && owner !== '') secret.owner = owner
    if (group !== undefined && group !== '') secret.group = group
    secrets[name] = secret
  }
  return secrets
}

/** A plain field's text, trimmed; empty when absent (validation reports it). */
function field(element: XmlElement, name: string): string {
  return childText(element, name)?.trim() ?? ''
}

/** `<service name="HASH">` with its fields in the order the XSL emits them. */
export function serviceNode(key: string, service: Service, omitTarget?: string): XmlNode {
  return {
    name: 'service',
    attributes: [['name', key]],
    children: [
      { name: 'name', text: service.name },
      { name: 'pkg', text: service.pkg },
      { name: 'type', text: service.type },
      { name: 'dependsOn', children: service.dependsOn.map((m) => serviceMappingNode(m, omitTarget)) },
      { name: 'connectsTo', children: service.connectsTo.map((m) => serviceMappingNode(m, omitTarget)) },
      {
        name: 'providesContainers',
        children: sortedNames(service.providesContainers).map((name) => ({
          name: 'container',
          attributes: [
            ['name', name],
            ['type', 'attrs'],
          ],
          children: typedAttrsNodes(service.providesContainers[name] as NixAttrs),
        })),
      },
      // Only when set: manifests of models without it stay byte-identical to the original's.
      ...(service.healthCheckTimeout === undefined ? [] : [{ name: 'healthCheckTimeout', text: String(service.healthCheckTimeout) }]),
      ...(service.secrets === undefined ? [] : [secretsNode(service.secrets)]),
    ],
  }
}

/** A mapping's children in alphabetical order (toXML ordering); `target` left out when it equals `omitTarget`. */
export function serviceMappingNode(mapping: ServiceMapping, omitTarget?: string): XmlNode {
  const children: XmlNode[] = [{ name: 'container', text: mapping.container }]
  if (mapping.containerProvidedByService !== undefined) {
    children.push({ name: 'containerProvidedByService', text: mapping.containerProvidedByService })
  }
  children.push({ name: 'service', text: mapping.service })
  if (mapping.target !== omitTarget) children.push({ name: 'target', text: mapping.target })
  return { name: 'mapping', children, inline: true }
}

export function snapshotMappingNode(mapping: SnapshotMapping, omitTarget?: string): XmlNode {
  const children: XmlNode[] = [
    { name: 'component', text: mapping.component },
    { name: 'container', text: mapping.container },
  ]
  if (mapping.containerProvidedByService !== undefined) {
    children.push({ name: 'containerProvidedByService', text: mapping.containerProvidedByService })
  }
  children.push({ name: 'service', text: mapping.service })
  if (mapping.target !== omitTarget) children.push({ name: 'target', text: mapping.target })
  return { name: 'mapping', children, inline: true }
}

/** `<secrets>` in name order, as the Nix expressions write it. */
function secretsNode(secrets: Record<string, ServiceSecret>): XmlNode {
  return {
    name: 'secrets',
    children: sortedNames(secrets).map((name) => {
        const secret = secrets[name]!
        return {
          name: 'secret',
          attributes: [['name', name]] as Array<[string, string]>,
          children: [
            { name: 'file', text: secret.file },
            ...(secret.owner === undefined ? [] : [{ name: 'owner', text: secret.owner }]),
            ...(secret.group === undefined ? [] : [{ name: 'group', text: secret.group }]),
          ],
        }
      }),
  }
}
