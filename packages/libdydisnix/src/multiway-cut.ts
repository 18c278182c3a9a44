import { DisnixError } from '@disnix-ts/libmain'
import { compareBytes } from '@disnix-ts/libxmlmodel'
import { sortedServiceNames, targetsToServices, type CandidateDistribution, type CandidateMapping } from './candidate-distribution.js'
import type { ServicesTable } from './services-xml.js'

/**
 * The application-host graph of the multiway cut approximation: one app node per service, one host
 * node per candidate target; app–app edges (weight 1) for dependsOn and connectsTo, host–app edges
 * (weight n²) for candidates.
 */
export interface ApplicationHostGraph {
  services: string[]
  hosts: string[]
  /** Undirected app–app edges, each once, as [a, b] with a < b. */
  appEdges: Array<[string, string]>
  /** host → the services linked to it. */
  hostLinks: Map<string, string[]>
}

export interface MultiwayCutOptions {
  services: ServicesTable
  distribution: CandidateDistribution
}

export function applicationHostGraph(options: MultiwayCutOptions): ApplicationHostGraph {
  const { services, distribution } = options
  const names = sortedServiceNames(distribution)
  const edges = new Map<string, [string, string]>()
  for (const name of names) {
    const service = services[name]
    if (service === undefined) throw new DisnixError('DISTRIBUTION_INVALID', `Service: ${name} of the distribution is not in the services model`)
    for (const dependency of [...service.dependsOn, ...service.connectsTo]) {
      // Dependencies that are not distributed cannot become network links.
      if (!Object.hasOwn(distribution, dependency) || dependency === name) continue
      const pair: [string, string] = compareBytes(name, dependency) < 0 ? [name, dependency] : [dependency, name]
      edges.set(pair.join('\0'), pair)
    }
  }
  const hostLinks = targetsToServices(distribution)
  return { services: names, hosts: [...hostLinks.keys()], appEdges: [...edges.values()].sort((a, b) => compareBytes(a.join('\0'), b.join('\0'))), hostLinks }
}

/**
 * The multiway cut approximation of the original's dydisnix-multiwaycut (Heydarnoori and Binder):
 * 1. for every host, the minimum cut that isolates it from the other hosts is the set of its host–app
 *    links whose app can still reach another host;
 * 2. the heaviest of these cuts (most links; first host in sorted order among equals) is discarded;
 * 3. the links of all other cuts are removed; an app left without a host goes to its first candidate.
 * Every service ends up on one target. It keeps interdependent services together on the host that
 * can take most of them, which minimises network links often but not always (see the tests).
 */
export function multiwayCut(options: MultiwayCutOptions): CandidateDistribution {
  const graph = applicationHostGraph(options)
  const remaining = resolveMultiwayCut(graph)
  const result: CandidateDistribution = {}
  for (const name of graph.services) {
    const candidates = options.distribution[name]!
    const hosts = remaining.get(name) ?? []
    if (hosts.length > 0) {
      result[name] = hosts.map((host) => candidates.find((m) => m.target === host)!)
    } else {
      const first: CandidateMapping | undefined = candidates[0]
      if (first === undefined) throw new DisnixError('PLANNING_FAILED', `Service: ${name} has no candidate targets`)
      result[name] = [first]
    }
  }
  return result
}

/** The host–app links left after the cut: service → hosts (possibly none: orphaned). */
export function resolveMultiwayCut(graph: ApplicationHostGraph): Map<string, string[]> {
  const component = components(graph)
  const hostsPerComponent = new Map<string, number>()
  for (const host of graph.hosts) {
    const c = component.get(`host:${host}`)!
    hostsPerComponent.set(c, (hostsPerComponent.get(c) ?? 0) + 1)
  }
  // Step 1: an app linked to a host lies in that host's component, so it reaches another host exactly
  // when the component holds more than one host.
  const cuts = new Map<string, string[]>()
  for (const host of graph.hosts) {
    const shared = hostsPerComponent.get(component.get(`host:${host}`)!)! > 1
    cuts.set(host, shared ? [...graph.hostLinks.get(host)!] : [])
  }
  // Step 2: discard the heaviest cut.
  let heaviest: string | undefined
  let weight = 0
  for (const host of graph.hosts) {
    const w = cuts.get(host)!.length
    if (w > weight) {
      weight = w
      heaviest = host
    }
  }
  if (heaviest !== undefined) cuts.delete(heaviest)
  // Step 3: remove the links of the remaining cuts.
  const remaining = new Map<string, string[]>(graph.services.map((s) => [s, []]))
  for (const host of graph.hosts) {
    const cut = new Set(cuts.get(host) ?? [])
    for (const service of graph.hostLinks.get(host)!) if (!cut.has(service)) remaining.get(service)!.push(host)
  }
  return remaining
}

function components(graph: ApplicationHostGraph): Map<string, string> {
  const parent = new Map<string, string>()
  const find = (node: string): string => {
    let root = node
    while (parent.get(root) !== root) root = parent.get(root)!
    parent.set(node, root)
    return root
  }
  const union = (a: string, b: string) => parent.set(find(a), find(b))
  for (const s of graph.services) parent.set(`app:${s}`, `app:${s}`)
  for (const h of graph.hosts) parent.set(`host:${h}`, `host:${h}`)
  for (const [a, b] of graph.appEdges) union(`app:${a}`, `app:${b}`)
  for (const [host, services] of graph.hostLinks) for (const s of services) union(`host:${host}`, `app:${s}`)
  return new Map([...parent.keys()].map((node) => [node, find(node)]))
}

/**
 * The problem graph in the DOT language (--output-graph), or with `resolved` the host links of the
 * result (--output-resolved-graph).
 */
export function applicationHostGraphDot(options: MultiwayCutOptions, resolved: boolean): string {
  const graph = applicationHostGraph(options)
  const links = resolved ? multiwayCut(options) : undefined
  const lines = ['graph {']
  for (const s of graph.services) lines.push(`  "app:${s}" [ label = "app:${s}" ]`)
  for (const h of graph.hosts) lines.push(`  "host:${h}" [ label = "host:${h}" ]`)
  for (const [a, b] of graph.appEdges) lines.push(`  "app:${a}" -- "app:${b}" [ label = "1", weight = "1" ]`)
  for (const host of graph.hosts) {
    for (const s of graph.hostLinks.get(host)!) {
      if (links === undefined || links[s]!.some((m) => m.target === host)) lines.push(`  "app:${s}" -- "host:${host}" [ label = "n&#178;", weight = "n&#178;" ]`)
    }
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}
