import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { DisnixError } from '@disnix-ts/libmain'
import { compareBytes } from '@disnix-ts/libxmlmodel'
import type { CandidateDistribution } from './candidate-distribution.js'
import type { ServicesTable } from './services-xml.js'

export interface GraphColouringOptions {
  services: ServicesTable
  infrastructure: Infrastructure
}

/** The colouring of the service graph: service → colour index (into the targets in sorted order). */
export interface Colouring {
  targets: string[]
  colours: Map<string, number>
  /** Undirected edges, each once. */
  edges: Array<[string, string]>
}

/**
 * The DSatur approximation of graph colouring (the original's dydisnix-graphcol): services are
 * vertices, dependsOn/connectsTo edges, targets (sorted) colours. Interdependent services end up on
 * different machines, so every dependency becomes a network link, with few machines. DSatur is exact
 * for some graph classes (bipartite graphs, cycles) but can use more colours than needed (see the
 * tests); when the targets run out the colouring fails.
 *
 * Differences from the original: the saturation degree counts distinct colours among the neighbours
 * (the original counts coloured neighbours), ties go to the highest degree in the uncoloured subgraph
 * and then the name (the original's tie-break picks from a list it corrupts), and a service is mapped
 * to the target's name (the original uses its hostname property).
 */
export function colourServices(options: GraphColouringOptions): Colouring {
  const { names, neighbours, edges } = serviceGraph(options.services)
  const targets = Object.keys(options.infrastructure).sort(compareBytes)
  const colours = new Map<string, number>()
  const uncoloured = new Set(names)
  const saturation = (n: string) => new Set([...neighbours.get(n)!].filter((m) => colours.has(m)).map((m) => colours.get(m)!)).size
  const uncolouredDegree = (n: string) => [...neighbours.get(n)!].filter((m) => uncoloured.has(m)).length
  while (uncoloured.size > 0) {
    let chosen: string | undefined
    let key: [number, number] = [-1, -1]
    for (const n of names) {
      if (!uncoloured.has(n)) continue
      // The first pick has saturation 0 everywhere, so it is a vertex of maximal degree.
      const candidate: [number, number] = [saturation(n), uncolouredDegree(n)]
      if (candidate[0] > key[0] || (candidate[0] === key[0] && candidate[1] > key[1])) {
        chosen = n
        key = candidate
      }
    }
    const used = new Set([...neighbours.get(chosen!)!].filter((m) => colours.has(m)).map((m) => colours.get(m)!))
    let colour = 0
    while (used.has(colour)) colour++
    if (colour >= targets.length) {
      throw new DisnixError('PLANNING_FAILED', `Not enough target machines available to compute a valid graph colouring: service: ${chosen} needs a machine of its own after ${targets.length} (${targets.join(', ')})`)
    }
    colours.set(chosen!, colour)
    uncoloured.delete(chosen!)
  }
  return { targets, colours, edges }
}

/** The undirected dependency graph of the services (dependsOn and connectsTo), without self-loops. */
export function serviceGraph(services: ServicesTable): { names: string[]; neighbours: Map<string, Set<string>>; edges: Array<[string, string]> } {
  const names = Object.keys(services).sort(compareBytes)
  const neighbours = new Map<string, Set<string>>(names.map((n) => [n, new Set()]))
  for (const name of names) {
    const service = services[name]!
    for (const dependency of [...service.dependsOn, ...service.connectsTo]) {
      if (!neighbours.has(dependency) || dependency === name) continue
      neighbours.get(name)!.add(dependency)
      neighbours.get(dependency)!.add(name)
    }
  }
  const edges: Array<[string, string]> = []
  for (const name of names) for (const other of [...neighbours.get(name)!].sort(compareBytes)) if (compareBytes(name, other) < 0) edges.push([name, other])
  return { names, neighbours, edges }
}

/** Every service on the target of its colour (dydisnix-graphcol). */
export function graphColouring(options: GraphColouringOptions): CandidateDistribution {
  const { targets, colours } = colourServices(options)
  return Object.fromEntries([...colours.entries()].map(([service, colour]) => [service, [{ target: targets[colour]! }]]))
}

/** The service graph in the DOT language (--output-graph), or coloured (--output-resolved-graph). */
export function colouringDot(options: GraphColouringOptions, resolved: boolean): string {
  const { names, edges } = serviceGraph(options.services)
  const colouring = resolved ? colourServices(options) : undefined
  const lines = ['graph {', '  node [shape=Mrecord];']
  for (const n of names) {
    const colour = colouring?.colours.get(n)
    lines.push(colour === undefined ? `  "${n}" [ label = "${n}" ]` : `  "${n}" [ label = "<f0> ${n}|<f1> ${colour}" ]`)
  }
  for (const [a, b] of edges) lines.push(`  "${a}" -- "${b}"`)
  lines.push('}')
  return `${lines.join('\n')}\n`
}
