import { readFile } from 'node:fs/promises'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { childElement, parseXml, printXmlDocument, sortedNames } from '@disnix-ts/libxmlmodel'
import { emptyProfileManifest, type Manifest, type ProfileManifest, type Service } from './manifest.js'
import { parseServiceMappings, parseServices, parseSnapshotMappings, serviceMappingNode, serviceNode, snapshotMappingNode } from './manifest-xml-parts.js'

export interface ProfileManifestOptions {
  /** The target of mappings without a `<target>`: the local host on a target, the target name on the coordinator. */
  defaultTarget: string
  /** Names the file in error messages. */
  source?: string
}

/**
 * Parses a `profilemanifest.xml` (spec §2.3). Empty text is an empty profile manifest (a target's first
 * deployment). The `version` attribute is not checked, as in the original.
 */
export function parseProfileManifestXml(text: string, options: ProfileManifestOptions): ProfileManifest {
  if (text.trim() === '') return emptyProfileManifest()
  const source = options.source ?? 'profile manifest'
  const root = parseXml(text, { source, errorCode: 'PROFILE_MANIFEST_INVALID', expected: 'a profile manifest (<profilemanifest>)' })
  if (root.name !== 'profilemanifest') {
    throw new DisnixError('PROFILE_MANIFEST_INVALID', `${source}: expected a <profilemanifest> root element, found <${root.name}>`)
  }
  const sectionOptions = { defaultTarget: options.defaultTarget, source }
  return {
    services: parseServices(childElement(root, 'services'), sectionOptions),
    serviceMappings: parseServiceMappings(childElement(root, 'serviceMappings'), sectionOptions),
    snapshotMappings: parseSnapshotMappings(childElement(root, 'snapshotMappings'), sectionOptions),
  }
}

/** Reads a profile manifest file; a missing file is an empty profile manifest. */
export async function readProfileManifest(path: string, options: ProfileManifestOptions): Promise<ProfileManifest> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return emptyProfileManifest()
    throw error
  }
  return parseProfileManifestXml(text, { source: path, ...options })
}

export interface PrintProfileManifestOptions {
  /** Leave out `<target>` where it equals this target (what the original writes on a target, spec §2.3). */
  omitTarget?: string
}

/** Prints a profile manifest byte for byte as the original (and disnix-manifest) writes it (spec §2.3). */
export function printProfileManifestXml(profileManifest: ProfileManifest, options: PrintProfileManifestOptions = {}): string {
  const { omitTarget } = options
  return printXmlDocument({
    name: 'profilemanifest',
    attributes: [['version', '2']],
    children: [
      {
        name: 'services',
        children: sortedNames(profileManifest.services).map((key) => serviceNode(key, profileManifest.services[key] as Service, omitTarget)),
      },
      { name: 'serviceMappings', children: profileManifest.serviceMappings.map((m) => serviceMappingNode(m, omitTarget)) },
      { name: 'snapshotMappings', children: profileManifest.snapshotMappings.map((m) => snapshotMappingNode(m, omitTarget)) },
    ],
  })
}

/**
 * The profile manifest of one target of a manifest (spec §2.3): the target's service and snapshot
 * mappings and the services they reference. Print it with `omitTarget: target` for the file layout.
 */
export function profileManifestForTarget(manifest: Manifest, target: string): ProfileManifest {
  const serviceMappings = manifest.serviceMappings.filter((m) => m.target === target)
  const services: Record<string, Service> = {}
  for (const key of Object.keys(manifest.services)) {
    if (serviceMappings.some((m) => m.service === key)) services[key] = manifest.services[key] as Service
  }
  return {
    services,
    serviceMappings,
    snapshotMappings: manifest.snapshotMappings.filter((m) => m.target === target),
  }
}
