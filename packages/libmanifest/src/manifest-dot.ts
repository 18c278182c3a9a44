import { DisnixError } from '@disnix-ts/libmain'
import { targetKey, type Target } from '@disnix-ts/libinfrastructure'
import { compareBytes } from '@disnix-ts/libxmlmodel'
import type { Manifest, Service } from './manifest.js'
import type { ServiceMapping } from './service-mapping.js'

export interface ManifestDotOptions {
  /** Leave out the container sub-clusters (`--no-containers`). */
  noContainers?: boolean
}

/**
 * The Graphviz dot graph of a manifest (spec §2.9): a cluster per target key, a sub-cluster per
 * container, a node per service mapping, solid edges for dependsOn and dashed ones for connectsTo.
 * The original walks hash tables (unspecified order); we sort clusters by target key and container so
 * the output is stable, and keep the manifest's order of service mappings inside a cluster.
 */
export function manifestToDot(manifest: Manifest, options: ManifestDotOptions = {}): string {
  const keyOf = (target: string): string => {
    const found = manifest.infrastructure[target]
    if (found === undefined) throw new DisnixError('MANIFEST_INVALID', `The manifest maps a service to an unknown target: ${target}`)
    return targetKey(found as Target)
  }
  const clusters = new Map<string, Map<string, ServiceMapping[]>>()
  for (const mapping of manifest.serviceMappings) {
    const key = keyOf(mapping.target)
    const containers = clusters.get(key) ?? new Map<string, ServiceMapping[]>()
    clusters.set(key, containers)
    containers.set(mapping.container, [...(containers.get(mapping.container) ?? []), mapping])
  }

  const lines = ['digraph G {']
  const keys = [...clusters.keys()].sort(compareBytes)
  keys.forEach((key, i) => {
    lines.push(`subgraph cluster_${i} {`, 'style=filled;', `label="${escapeDot(key)}";`, 'fillcolor=grey')
    const containers = clusters.get(key) as Map<string, ServiceMapping[]>
    ;[...containers.keys()].sort(compareBytes).forEach((container, j) => {
      if (!options.noContainers) lines.push(`subgraph cluster_${i}_${j} {`, 'style=filled;', `label="${escapeDot(container)}";`, 'fillcolor=grey40')
      lines.push('node [style=filled,fillcolor=white,color=black];')
      for (const mapping of containers.get(container) as ServiceMapping[]) {
        const service = lookupService(manifest, mapping.service)
        const providers = Object.keys(service.providesContainers).length > 0 ? ', peripheries=2' : ''
        lines.push(`${nodeId(mapping.service, key, container)} [ label = "${serviceLabel(service)}"${providers} ];`)
      }
      if (!options.noContainers) lines.push('}')
    })
    lines.push('}')
  })
  for (const mapping of manifest.serviceMappings) {
    const from = nodeId(mapping.service, keyOf(mapping.target), mapping.container)
    const service = lookupService(manifest, mapping.service)
    for (const dependency of service.dependsOn) {
      lines.push(`${from} -> ${nodeId(dependency.service, keyOf(dependency.target), dependency.container)}`)
    }
    for (const dependency of service.connectsTo) {
      lines.push(`${from} -> ${nodeId(dependency.service, keyOf(dependency.target), dependency.container)} [style=dashed]`)
    }
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}

/** `name`, `name &#8594;\n<c>` for one provided container, `name\n &#8594; { c1\n, c2\n}` for several. */
function serviceLabel(service: Service): string {
  const name = escapeDot(service.name)
  const provided = Object.keys(service.providesContainers).sort(compareBytes).map(escapeDot)
  if (provided.length === 0) return name
  if (provided.length === 1) return `${name} &#8594;\\n${provided[0]}`
  return `${name}\\n &#8594; { ${provided.join('\\n, ')}\\n}`
}

function nodeId(service: string, key: string, container: string): string {
  return `"${escapeDot(`${service}:${key}:${container}`)}"`
}

function escapeDot(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function lookupService(manifest: Manifest, key: string): Service {
  const service = manifest.services[key]
  if (service === undefined) throw new DisnixError('MANIFEST_INVALID', `The manifest refers to an unknown service: ${key}`)
  return service
}
