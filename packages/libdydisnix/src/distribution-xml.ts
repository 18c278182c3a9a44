import { DisnixError } from '@disnix-ts/libmain'
import { childElement, childElements, parseXml, printNixExpr, printXml, type NixPrintable, type XmlNode } from '@disnix-ts/libxmlmodel'
import { isAutomapped, sortDistribution, type CandidateDistribution, type CandidateMapping } from './candidate-distribution.js'

/**
 * Parses distribution XML: `<distribution><service name="s"><mapping><target>t</target>
 * [<container>c</container>]</mapping>…`. Any child element of a service counts as a mapping, so the
 * files of the original's division tools (which wrap each mapping in `<target>`) read too.
 */
export function parseDistributionXml(text: string, source = 'distribution XML'): CandidateDistribution {
  const root = parseXml(text, { source, errorCode: 'DISTRIBUTION_INVALID' })
  if (root.name !== 'distribution') {
    throw new DisnixError('DISTRIBUTION_INVALID', `${source}: expected a <distribution> root element, found <${root.name}>`)
  }
  const distribution: CandidateDistribution = {}
  for (const element of childElements(root, 'service')) {
    const name = element.attributes.name
    if (name === undefined || name === '') throw new DisnixError('DISTRIBUTION_INVALID', `${source}: a <service> element has no name`)
    distribution[name] = element.children.map((child): CandidateMapping => {
      const target = childElement(child, 'target')?.text.trim()
      if (target === undefined || target === '') {
        throw new DisnixError('DISTRIBUTION_INVALID', `${source}: service ${name}: a mapping has no <target>`)
      }
      const container = childElement(child, 'container')?.text.trim()
      return container === undefined ? { target } : { target, container }
    })
  }
  return distribution
}

/** Distribution XML of a candidate distribution, services in sorted order. */
export function printDistributionXml(distribution: CandidateDistribution): string {
  const sorted = sortDistribution(distribution)
  const services: XmlNode[] = Object.entries(sorted).map(([name, mappings]) => ({
    name: 'service',
    attributes: [['name', name]],
    children: mappings.map((m) => ({
      name: 'mapping',
      inline: true,
      children: [{ name: 'target', text: m.target }, ...(m.container === undefined ? [] : [{ name: 'container', text: m.container }])],
    })),
  }))
  return printXml({ name: 'distribution', children: services })
}

/**
 * A candidate distribution as a Nix expression (what the division tools print and the Nix filters
 * import): `{ "s" = [ "t1" "t2" ]; }`, or `[ { target = "t"; container = "c"; } ]` entries as soon as
 * one mapping names a container.
 */
export function printDistributionNix(distribution: CandidateDistribution): string {
  const automapped = isAutomapped(distribution)
  const value: Record<string, NixPrintable> = {}
  for (const [name, mappings] of Object.entries(sortDistribution(distribution))) {
    value[name] = mappings.map((m): NixPrintable => (automapped ? m.target : { target: m.target, ...(m.container === undefined ? {} : { container: m.container }) }))
  }
  return `${printNixExpr(value)}\n`
}

/** Prints a distribution in the requested form (the tools' --output-xml). */
export function printDistribution(distribution: CandidateDistribution, outputXml: boolean): string {
  return outputXml ? printDistributionXml(distribution) : printDistributionNix(distribution)
}
