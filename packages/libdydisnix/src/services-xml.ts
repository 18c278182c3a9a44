import { DisnixError } from '@disnix-ts/libmain'
import { childElements, compareBytes, isNixAttrs, nixValueToText, parseTypedValue, parseXml, printXml, typedAttrsNodes, type NixAttrs, type NixValue, type XmlNode } from '@disnix-ts/libxmlmodel'

/** A service as the planning algorithms see it: no package, dependencies by name, all other properties. */
export interface ServiceProperties {
  name: string
  dependsOn: string[]
  connectsTo: string[]
  /** Every other attribute of the service model (type, group, requireMem, ...), typed. */
  properties: NixAttrs
}

/** Service name → service. */
export type ServicesTable = Record<string, ServiceProperties>

/**
 * Parses the services XML of the original's services.xsl (what dydisnix-xml -s and the Nix filters
 * write): `<services><service name><property name="dependsOn"><dependency>…</dependency></property>
 * <property name="type" type="string">…</property>…`.
 */
export function parseServicesXml(text: string, source = 'services XML'): ServicesTable {
  const root = parseXml(text, { source, errorCode: 'SERVICES_INVALID' })
  if (root.name !== 'services') throw new DisnixError('SERVICES_INVALID', `${source}: expected a <services> root element, found <${root.name}>`)
  const services: ServicesTable = {}
  for (const element of childElements(root, 'service')) {
    const key = element.attributes.name
    if (key === undefined || key === '') throw new DisnixError('SERVICES_INVALID', `${source}: a <service> element has no name`)
    const service: ServiceProperties = { name: key, dependsOn: [], connectsTo: [], properties: {} }
    for (const property of childElements(element, 'property')) {
      const name = property.attributes.name
      if (name === undefined) throw new DisnixError('SERVICES_INVALID', `${source}: service ${key}: a <property> element has no name`)
      if (name === 'dependsOn' || name === 'connectsTo') {
        service[name] = childElements(property, 'dependency').map((d) => d.text.trim())
      } else {
        const value = parseTypedValue(property, { source: `${source}: service ${key}`, errorCode: 'SERVICES_INVALID' })
        service.properties[name] = value
        if (name === 'name' && typeof value === 'string') service.name = value
      }
    }
    services[key] = service
  }
  return services
}

/** A property as text (the original compares and prints properties as strings), undefined when absent. */
export function servicePropertyText(service: ServiceProperties, name: string): string | undefined {
  if (name === 'name') return service.name
  const value = service.properties[name]
  return value === undefined || value === null ? undefined : nixValueToText(value)
}

/** The containers a service provides: `providesContainer`, or the names of `providesContainers`. */
export function providedContainers(service: ServiceProperties): string[] {
  const single = service.properties.providesContainer
  if (typeof single === 'string') return [single]
  const many: NixValue | undefined = service.properties.providesContainers
  return isNixAttrs(many) ? Object.keys(many).sort() : []
}

/** Services XML in the layout of the original's services.xsl (dependencies first, then typed properties). */
export function printServicesXml(services: ServicesTable): string {
  const dependencies = (name: string, list: readonly string[]): XmlNode => ({
    name: 'property',
    attributes: [['name', name]],
    ...(list.length > 0 ? { children: list.map((d) => ({ name: 'dependency', text: d })) } : {}),
  })
  return printXml({
    name: 'services',
    children: Object.keys(services)
      .sort(compareBytes)
      .map((key) => {
        const service = services[key]!
        return {
          name: 'service',
          attributes: [['name', key]],
          children: [dependencies('dependsOn', service.dependsOn), dependencies('connectsTo', service.connectsTo), ...typedAttrsNodes(service.properties)],
        }
      }),
  })
}
