import pLimit from 'p-limit'
import type { CheckOutcome } from '@disnix-ts/libinterface'
import type { Manifest, ServiceMapping } from '@disnix-ts/libmanifest'
import { sortMappings } from './transition-plan.js'
import { checkService } from './check-service.js'
import type { DeployContext } from './deploy-context.js'

/** The health of one deployed service mapping. */
export interface ServiceStatus {
  target: string
  /** The service's key (hash) in the manifest. */
  service: string
  /** The service's name in the services model. */
  name: string
  container: string
  pkg: string
  outcome: CheckOutcome
}

export interface CheckDeploymentOptions extends DeployContext {
  /** The deployment whose services are checked: a manifest (or the profile manifests of the targets, joined). */
  manifest: Pick<Manifest, 'services' | 'infrastructure' | 'serviceMappings'>
}

/**
 * Checks every service mapping of a deployment: all targets at once, at most numOfCores checks per
 * target. The result is in the manifest's canonical order (target, container, service). A target that
 * cannot be reached makes its services failing with the call's error as the reason.
 */
export async function checkDeployment(options: CheckDeploymentOptions): Promise<ServiceStatus[]> {
  const { manifest } = options
  const limits = new Map<string, ReturnType<typeof pLimit>>()
  const limitOf = (target: string) => {
    let limit = limits.get(target)
    if (limit === undefined) {
      limit = pLimit(Math.max(1, manifest.infrastructure[target]?.numOfCores ?? 1))
      limits.set(target, limit)
    }
    return limit
  }
  const mappings = sortMappings(manifest.serviceMappings).filter((m) => manifest.services[m.service]?.type !== 'package')
  return Promise.all(
    mappings.map((mapping) =>
      limitOf(mapping.target)(async (): Promise<ServiceStatus> => {
        const service = manifest.services[mapping.service]!
        const outcome = await checkService(manifest as Manifest, mapping as ServiceMapping, options)
        options.progress({ kind: 'step', target: mapping.target, service: service.name, step: 'check', status: outcome.status === 'failing' ? 'failed' : 'done' })
        return { target: mapping.target, service: mapping.service, name: service.name, container: mapping.container, pkg: service.pkg, outcome }
      }),
    ),
  )
}

/** Whether every service of a status passes (healthy or unknown). */
export function allPassing(statuses: readonly ServiceStatus[]): boolean {
  return statuses.every((s) => s.outcome.status !== 'failing')
}
