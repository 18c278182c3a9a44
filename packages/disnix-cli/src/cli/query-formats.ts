import { profileManifestNixValue, printProfileManifestXml, sortServiceMappings, type ProfileManifest } from '@disnix-ts/libmanifest'
import type { InstalledServices, ServiceStatus } from '@disnix-ts/libdeploy'
import { parseXml, printNixExpr, printXml, type XmlElement, type XmlNode } from '@disnix-ts/libxmlmodel'

export type QueryFormat = 'services' | 'containers' | 'nix' | 'xml'
export const QUERY_FORMATS: readonly QueryFormat[] = ['services', 'containers', 'nix', 'xml']

/** Renders what disnix-query found in one of the formats of spec §2.8 (ending with a newline). */
export function formatInstalledServices(installed: InstalledServices, format: QueryFormat): string {
  switch (format) {
    case 'services':
      return installed.map(({ target, profileManifest }) => header(target) + packages(profileManifest).map((m) => `${m.pkg}\n`).join('')).join('')
    case 'containers':
      return installed.map(({ target, profileManifest }) => header(target) + containerLines(profileManifest)).join('')
    case 'nix':
      return `${printNixExpr(Object.fromEntries(installed.map(({ target, profileManifest }) => [target, { profileManifest: profileManifestNixValue(profileManifest) }])))}\n`
    case 'xml':
      return printXml(
        {
          name: 'profileManifestTargets',
          children: installed.map(({ target, profileManifest }) => ({ name: 'target', attributes: [['name', target]], children: [profileManifestNode(profileManifest)] })),
        },
        { declaration: false },
      )
  }
}

function header(target: string): string {
  return `\nServices on: ${target}\n\n`
}

/** A target's mappings (all on that target) sorted by container, then service hash, with their package. */
function packages(pm: ProfileManifest): Array<{ container: string; pkg: string }> {
  return sortServiceMappings(pm.serviceMappings).map((m) => ({ container: m.container, pkg: pm.services[m.service]?.pkg ?? m.service }))
}

function containerLines(pm: ProfileManifest): string {
  let previous: string | undefined
  let out = ''
  for (const { container, pkg } of packages(pm)) {
    if (container !== previous) out += `  Container: ${container}\n`
    previous = container
    out += `    ${pkg}\n`
  }
  return out
}

/**
 * `<profileManifest>` with every mapping's `<target>` (spec §2.8): the profile-manifest printer's
 * layout, so both stay the same, renamed and without the version attribute.
 */
function profileManifestNode(pm: ProfileManifest): XmlNode {
  return { ...elementNode(parseXml(printProfileManifestXml(pm))), name: 'profileManifest', attributes: [] }
}

function elementNode(element: XmlElement): XmlNode {
  const attributes = Object.entries(element.attributes)
  if (element.children.length === 0) return { name: element.name, attributes, ...(element.text === '' ? {} : { text: element.text }) }
  return { name: element.name, attributes, children: element.children.map(elementNode) }
}

/** Renders disnix-query --status: per target, each service's health (text), or one JSON document. */
export function formatServiceStatuses(targets: readonly string[], statuses: readonly ServiceStatus[], format: 'text' | 'json'): string {
  const byTarget = targets.map((target) => ({ target, services: statuses.filter((s) => s.target === target) }))
  if (format === 'json') {
    const document = {
      targets: byTarget.map(({ target, services }) => ({
        target,
        services: services.map((s) => ({ name: s.name, key: s.service, container: s.container, pkg: s.pkg, status: s.outcome.status, reason: s.outcome.reason })),
      })),
    }
    return `${JSON.stringify(document, null, 2)}\n`
  }
  return byTarget
    .map(({ target, services }) => header(target) + services.map((s) => `  ${s.outcome.status.padEnd(7)}  ${s.name}  ${s.pkg}: ${s.outcome.reason}\n`).join(''))
    .join('')
}
