import { describe, expect, test } from 'vitest'
import { colourServices, colouringDot, graphColouring } from './graph-colouring.js'
import { servicesTable, targetNames, targets } from './testing.js'

const machines = (n: number) => targets(Object.fromEntries(Array.from({ length: n }, (_, i) => [`test${i + 1}`, {}])))

/** Services a, b, ... with an edge (dependsOn) per pair "xy". */
function graph(edges: string[]) {
  const names = [...new Set(edges.join(''))].sort()
  return servicesTable(Object.fromEntries(names.map((n) => [n, { dependsOn: edges.filter((e) => e[0] === n).map((e) => e[1]!) }])))
}

/** The smallest number of colours of a graph, by exhaustive search (small graphs only). */
function chromaticNumber(edges: string[]): number {
  const names = [...new Set(edges.join(''))].sort()
  for (let k = 1; ; k++) {
    const colour = new Map<string, number>()
    const fits = (i: number): boolean => {
      if (i === names.length) return true
      for (let c = 0; c < k; c++) {
        if (edges.some((e) => (e[0] === names[i] && colour.get(e[1]!) === c) || (e[1] === names[i] && colour.get(e[0]!) === c))) continue
        colour.set(names[i]!, c)
        if (fits(i + 1)) return true
        colour.delete(names[i]!)
      }
      return false
    }
    if (fits(0)) return k
  }
}

function isProper(edges: string[], colours: Map<string, number>): boolean {
  return edges.every((e) => colours.get(e[0]!) !== colours.get(e[1]!))
}

describe('graphColouring', () => {
  test('interdependent services go to different machines; independent ones share', () => {
    // a-b, b-c: a path; DSatur colours b first (highest degree), then a and c with the next colour
    expect(targetNames(graphColouring({ services: servicesTable({ a: {}, b: { dependsOn: ['a'] }, c: { connectsTo: ['b'] } }), infrastructure: machines(3) }))).toEqual({
      a: ['test2'],
      b: ['test1'],
      c: ['test2'],
    })
  })

  test('a triangle needs three machines; with two the colouring fails, naming the service', () => {
    const triangle = graph(['ab', 'bc', 'ca'])
    expect(new Set(Object.values(targetNames(graphColouring({ services: triangle, infrastructure: machines(3) }))).flat()).size).toBe(3)
    expect(() => graphColouring({ services: triangle, infrastructure: machines(2) })).toThrow(/^Not enough target machines available to compute a valid graph colouring: service: c needs a machine of its own after 2 \(test1, test2\)$/)
  })

  test('bipartite graphs (here a 6-cycle) get two colours, as DSatur guarantees', () => {
    const cycle = ['ab', 'bc', 'cd', 'de', 'ef', 'fa']
    const { colours } = colourServices({ services: graph(cycle), infrastructure: machines(6) })
    expect(isProper(cycle, colours)).toBe(true)
    expect(new Set(colours.values()).size).toBe(2)
  })

  // Known not to be optimal: DSatur is a heuristic. On this 11-vertex graph (found by comparing it with
  // an exhaustive search over random graphs) it uses four colours where three suffice.
  test('can use more machines than needed (a known limit of the approximation)', () => {
    const edges = ['ac', 'aj', 'bc', 'bd', 'bg', 'bi', 'bk', 'ce', 'ch', 'dg', 'dj', 'dk', 'ef', 'ei', 'ej', 'ek', 'fh', 'jk']
    const { colours } = colourServices({ services: graph(edges), infrastructure: machines(11) })
    expect(isProper(edges, colours)).toBe(true)
    expect(new Set(colours.values()).size).toBe(4)
    expect(chromaticNumber(edges)).toBe(3)
  })

  test('the coloured graph in the DOT language', () => {
    const options = { services: servicesTable({ a: {}, b: { dependsOn: ['a'] } }), infrastructure: machines(2) }
    expect(colouringDot(options, false)).toBe('graph {\n  node [shape=Mrecord];\n  "a" [ label = "a" ]\n  "b" [ label = "b" ]\n  "a" -- "b"\n}\n')
    expect(colouringDot(options, true)).toContain('"a" [ label = "<f0> a|<f1> 0" ]')
    expect(colouringDot(options, true)).toContain('"b" [ label = "<f0> b|<f1> 1" ]')
  })
})
