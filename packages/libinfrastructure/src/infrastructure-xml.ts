import { DisnixError, type ErrorCode } from '@disnix-ts/libmain'
import {
  childElement,
  childElements,
  childText,
  isNixAttrs,
  parseTypedAttrs,
  parseTypedValue,
  parseXml,
  printXmlDocument,
  sortedNames,
  typedAttrsNodes,
  type NixAttrs,
  type XmlElement,
  type XmlNode,
} from '@disnix-ts/libxmlmodel'
import type { Target, TargetDefaults } from './target.js'

/** Target name → target, in the order of the file. */
export type Infrastructure = Record<string, Target>

export interface ParseInfrastructureOptions extends Partial<TargetDefaults> {
  /** Names the file in error messages. */
  source?: string
  /** The error code for malformed input (default `INFRASTRUCTURE_INVALID`). */
  errorCode?: ErrorCode
}

/**
 * Parses the infrastructure XML of spec §2.4 (`<infrastructure version="2">` with `<target>`
 * elements). Missing `targetProperty`/`clientInterface` are filled from the given defaults.
 */
export function parseInfrastructureXml(text: string, options: ParseInfrastructureOptions = {}): Infrastructure {
  const source = options.source ?? 'infrastructure XML'
  const root = parseXml(text, { source, errorCode: options.errorCode ?? 'INFRASTRUCTURE_INVALID', expected: 'infrastructure XML (<infrastructure version="2">)' })
  if (root.name !== 'infrastructure') {
    throw new DisnixError(options.errorCode ?? 'INFRASTRUCTURE_INVALID', `${source}: expected an <infrastructure> root element, found <${root.name}>`)
  }
  return parseTargetElements(root, options)
}

/** Reads the `<target>` children of an `<infrastructure>` element (also the manifest's section). */
export function parseTargetElements(element: XmlElement, options: ParseInfrastructureOptions = {}): Infrastructure {
  const infrastructure: Infrastructure = {}
  for (const child of childElements(element, 'target')) {
    const target = parseTargetElement(child, options)
    infrastructure[target.name] = target
  }
  return infrastructure
}

function parseTargetElement(element: XmlElement, options: ParseInfrastructureOptions): Target {
  const code = options.errorCode ?? 'INFRASTRUCTURE_INVALID'
  const source = options.source ?? 'infrastructure XML'
  const name = element.attributes.name
  if (name === undefined || name === '') throw new DisnixError(code, `${source}: a <target> element has no name`)
  const typed = { source: `${source}: target: ${name}`, errorCode: code }
  const propertiesElement = childElement(element, 'properties')
  const containers: Record<string, NixAttrs> = {}
  const containersElement = childElement(element, 'containers')
  if (containersElement !== undefined) {
    for (const container of childElements(containersElement, 'container')) {
      const containerName = container.attributes.name
      if (containerName === undefined) throw new DisnixError(code, `${source}: target: ${name} has a <container> without a name`)
      // The original writes `type="attrs"`; accept the element without it as well.
      const value = container.attributes.type === undefined ? parseTypedAttrs(container, typed) : parseTypedValue(container, typed)
      if (!isNixAttrs(value)) throw new DisnixError(code, `${source}: target: ${name}: container: ${containerName} is not an attribute set`)
      containers[containerName] = value
    }
  }
  const numOfCoresText = childText(element, 'numOfCores')?.trim()
  return {
    name,
    properties: propertiesElement === undefined ? {} : parseTypedAttrs(propertiesElement, typed),
    containers,
    system: childText(element, 'system')?.trim() ?? '',
    // QUIRK §2.2: the original reports 1 core but 0 available ones when the element is missing, so
    // activation would wait forever; a missing value means 1. An empty value still fails validation.
    numOfCores: numOfCoresText === undefined ? 1 : parseCores(numOfCoresText),
    clientInterface: childText(element, 'clientInterface')?.trim() || options.clientInterface || '',
    targetProperty: childText(element, 'targetProperty')?.trim() || options.targetProperty || '',
  }
}

function parseCores(text: string): number {
  // atoi semantics: leading digits, else 0.
  const match = /^[-+]?\d+/.exec(text)
  return match ? Number(match[0]) : 0
}

/** The `<target>` element of a target, in the order the XSL emits its fields (spec §2.2). */
export function targetXmlNode(target: Target): XmlNode {
  return {
    name: 'target',
    attributes: [['name', target.name]],
    children: [
      { name: 'properties', attributes: [['type', 'attrs']], children: typedAttrsNodes(target.properties) },
      {
        name: 'containers',
        children: sortedNames(target.containers).map((container) => ({
            name: 'container',
            attributes: [
              ['name', container],
              ['type', 'attrs'],
            ],
            children: typedAttrsNodes(target.containers[container] as NixAttrs),
          })),
      },
      { name: 'system', text: target.system },
      { name: 'numOfCores', text: String(target.numOfCores) },
      { name: 'clientInterface', text: target.clientInterface },
      { name: 'targetProperty', text: target.targetProperty },
    ],
  }
}

/** Prints an infrastructure as the XML of spec §2.4, byte for byte as disnix-normalize-infra writes it. */
export function printInfrastructureXml(infrastructure: Infrastructure): string {
  return printXmlDocument({
    name: 'infrastructure',
    attributes: [['version', '2']],
    children: sortedNames(infrastructure).map((name) => targetXmlNode(infrastructure[name] as Target)),
  })
}
