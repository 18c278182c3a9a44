import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { compareBytes } from '@disnix-ts/libxmlmodel'

/** The machines of an infrastructure model and their containers, as clusters in the DOT language. */
export function infrastructureDot(infrastructure: Infrastructure): string {
  const lines = ['digraph G {']
  for (const name of Object.keys(infrastructure).sort(compareBytes)) {
    const id = clusterId(name)
    lines.push(`  subgraph "cluster_target_${id}" {`, '    style = filled;', `    label = "${escape(name)}";`, '    fillcolor = grey;')
    lines.push(`    subgraph "cluster_containers_${id}" {`, '      style = filled;', '      label = "containers";', '      fillcolor = grey40;', '      node [ shape = record, style = filled, color = black, fillcolor = white ];')
    const containers = Object.keys(infrastructure[name]!.containers).sort(compareBytes)
    if (containers.length === 0) lines.push(`      "${escape(name)}:" [ label = "(no containers)" ];`)
    for (const c of containers) lines.push(`      "${escape(name)}:${escape(c)}" [ label = "${escape(c)}" ];`)
    lines.push('    }', '  }')
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}

function clusterId(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_')
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
}
