import { DisnixError } from '@disnix-ts/libmain'
import { mappingParameters, sortServiceMappings, type Manifest, type ServiceMapping } from '@disnix-ts/libmanifest'
import { manifestClient, type DeployContext } from './deploy-context.js'

export interface DiagnoseFilter {
  /** The service's `name` in the services model (-S). */
  serviceName: string
  /** Only mappings to this container (-c). */
  container?: string
  /** Only mappings to this target name (-t). */
  target?: string
}

/** A deployed instance of the service: where it is and what its shell needs. */
export interface DiagnoseCandidate {
  mapping: ServiceMapping
  pkg: string
  container: string
  target: string
}

/** The service mappings of the manifest that match the filter, in the manifest's mapping order (spec §5.10). */
export function diagnoseCandidates(manifest: Manifest, filter: DiagnoseFilter): DiagnoseCandidate[] {
  return sortServiceMappings(manifest.serviceMappings)
    .filter((m) => manifest.services[m.service]?.name === filter.serviceName)
    .filter((m) => filter.container === undefined || m.container === filter.container)
    .filter((m) => filter.target === undefined || m.target === filter.target)
    .map((m) => ({ mapping: m, pkg: manifest.services[m.service]!.pkg, container: m.container, target: m.target }))
}

export interface DiagnoseOptions extends DeployContext, DiagnoseFilter {
  manifest: Manifest
  /** Run this command in the service's environment instead of an interactive shell. */
  command?: string
}

/**
 * disnix-diagnose (spec §5.10): opens a shell, with the terminal attached, in the environment of the
 * service's Dysnomia module on its target (`$this_component`, `$this_container`, the container
 * properties). Exactly one matching mapping opens its shell; several need `command`, which then runs
 * on each in turn until one fails. Returns the exit status of the (last) shell.
 */
export async function diagnose(options: DiagnoseOptions): Promise<number> {
  const { manifest, progress } = options
  const candidates = diagnoseCandidates(manifest, options)
  if (candidates.length === 0) {
    const where = [options.container && `container: ${options.container}`, options.target && `target: ${options.target}`].filter(Boolean).join(', ')
    throw new DisnixError('NO_SUCH_SERVICE', `No mapping found for service: ${options.serviceName}${where ? ` (${where})` : ''}`, {
      hint: 'check the service name (-S) and the -t/-c filters; disnix-diagnose --show-mappings -S NAME lists where a service is deployed',
    })
  }
  if (candidates.length > 1 && options.command === undefined) {
    throw new DisnixError(
      'AMBIGUOUS_SERVICE',
      `Multiple mappings found! Please specify a --target, --container, or a --command that will be executed on each of them:\n${formatMappings(candidates)}`,
    )
  }
  for (const candidate of candidates) {
    const parameters = mappingParameters(manifest, candidate.mapping)
    progress({ kind: 'message', target: candidate.target, text: `Connecting to service: ${candidate.pkg} deployed to container: ${candidate.container}` })
    const status = await manifestClient(manifest, candidate.target, options).call({
      op: 'shell',
      component: parameters.pkg,
      container: parameters.container,
      type: parameters.type,
      arguments: [...parameters.arguments],
      ...(options.command === undefined ? {} : { command: options.command }),
    })
    if (status !== 0) return status
  }
  return 0
}

/** `container: C, target: T` per candidate, one a line. */
export function formatMappings(candidates: readonly DiagnoseCandidate[]): string {
  return candidates.map((c) => `container: ${c.container}, target: ${c.target}`).join('\n')
}
