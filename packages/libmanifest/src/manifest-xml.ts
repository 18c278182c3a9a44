import { DisnixError } from '@disnix-ts/libmain'
import { parseTargetElements, targetXmlNode, type Target } from '@disnix-ts/libinfrastructure'
import { childElement, childElements, parseXml, printXmlDocument, sortedNames, type XmlElement } from '@disnix-ts/libxmlmodel'
import type { Manifest, Service } from './manifest.js'
import {
  parseServiceMappings,
  parseServices,
  parseSnapshotMappings,
  serviceMappingNode,
  serviceNode,
  snapshotMappingNode,
  type SnapshotFilter,
} from './manifest-xml-parts.js'

export interface ParseManifestOptions {
  /** The target of mappings without a `<target>` (the local host name for coordinator manifests, spec §2.2). */
  defaultTarget: string
  /** Keep only the snapshot mappings of this container and/or component. */
  filter?: SnapshotFilter
  /** Names the file in error messages. */
  source?: string
}

/** What a manifest file is, for messages about files that are not one. */
export const MANIFEST_EXPECTED = 'a deployment manifest (<manifest version="2">, as disnix-manifest writes it)'

export const MANIFEST_VERSION_MESSAGE = 'Disnix requires a manifest that uses the version 2 structure!'
export const MANIFEST_VERSION_HINT = 'You can convert an old V1 version manifest file by running disnix-convert!'

/**
 * Parses a version 2 manifest (spec §2.2). Whitespace and element order do not matter; missing sections
 * are empty; unknown elements are ignored. Another version is a MANIFEST_VERSION error.
 */
export function parseManifestXml(text: string, options: ParseManifestOptions): Manifest {
  const source = options.source ?? 'manifest'
  const root = parseXml(text, { source, errorCode: 'MANIFEST_INVALID', expected: MANIFEST_EXPECTED })
  if (root.name !== 'manifest') throw new DisnixError('MANIFEST_INVALID', `${source}: the root element is <${root.name}>; expected ${MANIFEST_EXPECTED}`)
  if (root.attributes.version !== '2') {
    throw new DisnixError('MANIFEST_VERSION', MANIFEST_VERSION_MESSAGE, { hint: MANIFEST_VERSION_HINT })
  }
  const sectionOptions = { defaultTarget: options.defaultTarget, source }
  return {
    profiles: parseProfiles(childElement(root, 'profiles')),
    services: parseServices(childElement(root, 'services'), sectionOptions),
    infrastructure: (() => {
      const section = childElement(root, 'infrastructure')
      return section === undefined ? {} : parseTargetElements(section, { source, errorCode: 'MANIFEST_INVALID' })
    })(),
    serviceMappings: parseServiceMappings(childElement(root, 'serviceMappings'), sectionOptions),
    snapshotMappings: parseSnapshotMappings(childElement(root, 'snapshotMappings'), sectionOptions, options.filter),
  }
}

function parseProfiles(section: XmlElement | undefined): Record<string, string> {
  const profiles: Record<string, string> = {}
  for (const element of section === undefined ? [] : childElements(section, 'profile')) {
    profiles[element.attributes.name ?? ''] = element.text.trim()
  }
  return profiles
}

/** Prints a manifest byte for byte as the original (and disnix-manifest) writes it (spec §2.2). */
export function printManifestXml(manifest: Manifest): string {
  return printXmlDocument({
    name: 'manifest',
    attributes: [['version', '2']],
    children: [
      {
        name: 'profiles',
        children: sortedNames(manifest.profiles).map((name) => ({
          name: 'profile',
          attributes: [['name', name]],
          text: manifest.profiles[name] as string,
        })),
      },
      { name: 'services', children: sortedNames(manifest.services).map((key) => serviceNode(key, manifest.services[key] as Service)) },
      {
        name: 'infrastructure',
        children: sortedNames(manifest.infrastructure).map((name) => targetXmlNode(manifest.infrastructure[name] as Target)),
      },
      { name: 'serviceMappings', children: manifest.serviceMappings.map((m) => serviceMappingNode(m)) },
      { name: 'snapshotMappings', children: manifest.snapshotMappings.map((m) => snapshotMappingNode(m)) },
    ],
  })
}
