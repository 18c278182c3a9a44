import { compareBytes } from '@disnix-ts/libxmlmodel'
import type { ServicesTable } from './services-xml.js'

/** A node of a services diagram or catalogue page: a service, or a sub group shown as one node. */
export interface ServiceNode {
  name: string
  /** Sub group nodes stand for every service of a sub group. */
  isGroup: boolean
  /** Whether the service belongs to the group being shown (false: context from outside it). */
  inGroup: boolean
  type?: string
  providesContainers: string[]
  /** Node names it depends on (ordering dependencies) and connects to (no ordering). */
  dependsOn: string[]
  connectsTo: string[]
  /** The service's own name for service nodes; for group nodes the full group path. */
  key: string
}

/** The group a service belongs to ("" = the root), as written in its `group` property. */
export function serviceGroup(services: ServicesTable, name: string): string {
  const group = services[name]?.properties.group
  return typeof group === 'string' ? group.replace(/^\/+|\/+$/g, '') : ''
}

/** Every group that has services, and its parent groups, sorted ("" not included). */
export function serviceGroupsOf(services: ServicesTable): string[] {
  const groups = new Set<string>()
  for (const name of Object.keys(services)) {
    const parts = serviceGroup(services, name).split('/').filter((p) => p !== '')
    for (let i = 1; i <= parts.length; i++) groups.add(parts.slice(0, i).join('/'))
  }
  return [...groups].sort(compareBytes)
}

function inGroup(serviceGroupPath: string, group: string): boolean {
  return group === '' || serviceGroupPath === group || serviceGroupPath.startsWith(`${group}/`)
}

export interface GroupViewOptions {
  /** The group to show ("" = everything). */
  group: string
  /** Show the services of sub groups as one node per sub group. */
  groupSubservices: boolean
  /** Add the services outside the group that its services depend on or that depend on them. */
  context: boolean
}

/**
 * The nodes of a group's view: its services (sub groups merged into one node each with
 * `groupSubservices`), and as context the services outside the group that are direct dependencies
 * (without their own dependencies) or direct dependants (with their edges into the group only).
 * Edges to merged services point at their group node; edges inside one node disappear.
 */
export function groupView(services: ServicesTable, options: GroupViewOptions): ServiceNode[] {
  const { group } = options
  const names = Object.keys(services).sort(compareBytes)
  const members = names.filter((n) => inGroup(serviceGroup(services, n), group))
  const memberSet = new Set(members)
  const nodeOf = (service: string): string => {
    if (!memberSet.has(service) || !options.groupSubservices) return service
    const path = serviceGroup(services, service)
    if (path === group) return service
    const rest = (group === '' ? path : path.slice(group.length + 1)).split('/')
    return rest[0]!
  }
  const nodes = new Map<string, ServiceNode>()
  const node = (name: string, init: () => ServiceNode) => {
    if (!nodes.has(name)) nodes.set(name, init())
    return nodes.get(name)!
  }
  const serviceNode = (name: string, member: boolean): ServiceNode => {
    const s = services[name]!
    const type = s.properties.type
    const containers = s.properties.providesContainers
    return {
      name,
      key: name,
      isGroup: false,
      inGroup: member,
      ...(typeof type === 'string' ? { type } : {}),
      providesContainers: typeof s.properties.providesContainer === 'string' ? [s.properties.providesContainer] : typeof containers === 'object' && containers !== null && !Array.isArray(containers) ? Object.keys(containers).sort(compareBytes) : [],
      dependsOn: [],
      connectsTo: [],
    }
  }
  const addEdge = (from: ServiceNode, kind: 'dependsOn' | 'connectsTo', to: string) => {
    if (to !== from.name && !from[kind].includes(to)) from[kind].push(to)
  }
  for (const member of members) {
    const name = nodeOf(member)
    const from =
      name === member
        ? node(name, () => serviceNode(member, true))
        : node(name, () => ({ name, key: group === '' ? name : `${group}/${name}`, isGroup: true, inGroup: true, providesContainers: [], dependsOn: [], connectsTo: [] }))
    for (const kind of ['dependsOn', 'connectsTo'] as const) {
      for (const dependency of services[member]![kind]) {
        if (services[dependency] === undefined) continue
        if (!memberSet.has(dependency)) {
          if (!options.context) continue
          node(dependency, () => serviceNode(dependency, false))
        }
        addEdge(from, kind, nodeOf(dependency))
      }
    }
  }
  if (options.context) {
    for (const outsider of names.filter((n) => !memberSet.has(n))) {
      for (const kind of ['dependsOn', 'connectsTo'] as const) {
        for (const dependency of services[outsider]![kind].filter((d) => memberSet.has(d))) {
          addEdge(node(outsider, () => serviceNode(outsider, false)), kind, nodeOf(dependency))
        }
      }
    }
  }
  return [...nodes.values()].sort((a, b) => compareBytes(a.name, b.name))
}
