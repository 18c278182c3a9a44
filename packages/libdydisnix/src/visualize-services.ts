import type { ServiceNode } from './service-groups.js'

/**
 * A services diagram in the DOT language: services as nodes (labelled with their type; the containers
 * they provide after an arrow, with a double border), dependsOn as arrows, connectsTo as dashed arrows,
 * sub group nodes dashed.
 */
export function servicesDot(nodes: readonly ServiceNode[]): string {
  const lines = ['digraph G {', '  node [style=filled,fillcolor=white,color=black];']
  for (const n of nodes) {
    let label = escape(n.name)
    if (n.providesContainers.length > 0) label += `\\n&#8594; ${n.providesContainers.map(escape).join(', ')}`
    if (n.type !== undefined) label += `\\n(${escape(n.type)})`
    const attrs = [`label = "${label}"`]
    if (n.isGroup) attrs.push('style = "filled,dashed"')
    if (n.providesContainers.length > 0) attrs.push('peripheries = 2')
    if (!n.inGroup) attrs.push('fillcolor = grey90')
    lines.push(`  "${escape(n.name)}" [ ${attrs.join(', ')} ]`)
  }
  lines.push('')
  for (const n of nodes) {
    for (const d of n.dependsOn) lines.push(`  "${escape(n.name)}" -> "${escape(d)}"`)
    for (const d of n.connectsTo) lines.push(`  "${escape(n.name)}" -> "${escape(d)}" [ style = dashed ]`)
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}
