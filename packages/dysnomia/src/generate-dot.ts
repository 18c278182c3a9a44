import { containerFiles } from './generate-expr.js'
import { queryAvailableComponents } from './query-components.js'

export interface GenerateDotOptions {
  containersPath: readonly string[]
  componentsPath: readonly string[]
  /** Restrict to this container name (-C). */
  container?: string
}

/**
 * `dysnomia-containers --generate-dot`: a Graphviz graph with one cluster per container configuration
 * and a node per available component (spec §5.5), with a trailing newline.
 * QUIRK §5.5: the original's loop variable shadowed the -C filter, so it was ignored; we honour it.
 */
export async function generateDot(options: GenerateDotOptions): Promise<string> {
  const out = ['digraph G {']
  for (const { name } of await containerFiles(options.containersPath)) {
    if (options.container !== undefined && options.container !== name) continue
    out.push(
      `  subgraph cluster_${name.replace(/[^A-Za-z0-9_]/g, '_')} {`,
      '    style=filled;',
      `    label=${dotString(name)};`,
      '    fillcolor=grey',
      '    node [style=filled,fillcolor=white,color=black];',
    )
    for (const { component } of await queryAvailableComponents(options.componentsPath, name)) {
      out.push(`    ${dotString(`${name}/${component}`)} [ label = ${dotString(component)} ];`)
    }
    out.push('  }')
  }
  out.push('}', '')
  return out.join('\n')
}

function dotString(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}
