import type { ServiceActivity, TargetClient } from '@disnix-ts/libinterface'
import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { mappingParameters, type Manifest, type SnapshotMapping } from '@disnix-ts/libmanifest'
import { stateClient, type StateContext } from './state-context.js'

/** A snapshot mapping with everything needed to act on it. */
export interface StateMapping {
  mapping: SnapshotMapping
  /** The target's name in the infrastructure model. */
  targetName: string
  numOfCores: number
  target: TargetClient
  activity: ServiceActivity
}

/**
 * Resolves snapshot mappings against the services of `services` and the targets of `infrastructure`
 * (spec §6.3: the previous services, the new targets). Mappings whose target is gone are reported and
 * left out.
 */
export function resolveStateMappings(
  mappings: readonly SnapshotMapping[],
  services: Manifest,
  infrastructure: Infrastructure,
  context: StateContext,
): StateMapping[] {
  const resolved: StateMapping[] = []
  for (const mapping of mappings) {
    const target = infrastructure[mapping.target]
    if (target === undefined) {
      context.progress({
        kind: 'message',
        target: mapping.target,
        text: `Skip state of component: ${mapping.component} deployed to container: ${mapping.container} since machine is no longer present!`,
      })
      continue
    }
    const serviceMapping = services.serviceMappings.find(
      (m) => m.service === mapping.service && m.container === mapping.container && m.target === mapping.target,
    )
    const parameters = mappingParameters(
      { services: services.services, infrastructure },
      { service: mapping.service, container: mapping.container, target: mapping.target, containerProvidedByService: serviceMapping?.containerProvidedByService },
    )
    resolved.push({
      mapping,
      targetName: mapping.target,
      numOfCores: Math.max(1, target.numOfCores),
      target: stateClient(target, context, parameters.arguments),
      activity: { component: parameters.pkg, container: parameters.container, type: parameters.type, arguments: [...parameters.arguments] },
    })
  }
  return resolved
}
