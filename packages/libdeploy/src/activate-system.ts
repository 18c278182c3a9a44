import type { Manifest } from '@disnix-ts/libmanifest'
import { mappingParameters } from '@disnix-ts/libmanifest'
import { clientFor, errorText, type DeployContext } from './deploy-context.js'
import { executeTransition, TransitionStatus, type MappingAction, type TransitionEvent } from './execute-transition.js'
import { planTransition, type TransitionMapping, type TransitionPlan } from './transition-plan.js'

export interface ActivateSystemOptions extends DeployContext {
  manifest: Manifest
  /** The configuration that is active now; absent for an installation from scratch or --no-upgrade. */
  oldManifest?: Manifest
  noRollback?: boolean
  /** Walk the transition and print what would happen, without touching any target. */
  dryRun?: boolean
}

/**
 * The transition of spec §5.5: deactivates obsolete service mappings (dependants first), activates new
 * ones (dependencies first), with at most numOfCores activities per target and all targets at once,
 * and rolls back on failure or interruption. Returns how the transition ended.
 */
export async function activateSystem(options: ActivateSystemOptions): Promise<TransitionStatus> {
  const { manifest, oldManifest, progress } = options
  progress({ kind: 'message', text: oldManifest ? 'Doing an upgrade from previous manifest file' : 'Doing an installation from scratch' })
  progress({ kind: 'message', text: 'Executing the transition to the new deployment state' })
  const plan = transitionPlanFor(manifest, oldManifest)
  // Old mappings are (de)activated with the services they had, on the targets of the new infrastructure.
  const unified: Manifest = { ...manifest, services: { ...oldManifest?.services, ...manifest.services } }
  announceTotals(plan, options)

  const run = async (action: MappingAction, mapping: TransitionMapping): Promise<void> => {
    const parameters = mappingParameters(unified, mapping)
    const verb = options.dryRun ? `Dry-run ${action === 'activate' ? 'activating' : 'deactivating'}` : action === 'activate' ? 'Activating' : 'Deactivating'
    progress({
      kind: 'step',
      target: mapping.target,
      service: plan.services[mapping.service]?.name,
      step: action,
      status: 'start',
      text: `${verb} service with key: ${mapping.service} and package: ${parameters.pkg} with module: ${parameters.type} in container: ${parameters.container}, arguments: ${parameters.arguments.map((a) => `${a} `).join('')}`,
    })
    if (options.dryRun) return
    // Activities are never cancelled half-way: an interruption lets them finish and then rolls back.
    const target = clientFor(manifest.infrastructure[mapping.target]!, options, { cancellable: false })
    await target.call({ op: action, component: parameters.pkg, container: parameters.container, type: parameters.type, arguments: [...parameters.arguments] })
  }

  return executeTransition(plan, {
    run,
    coresOf: (target) => manifest.infrastructure[target]?.numOfCores,
    noRollback: options.noRollback,
    signal: options.signal,
    onEvent: (event) => report(event, plan, options),
  })
}

/** The plan of the transition from `oldManifest` to `manifest` (pure; also used by --dry-run plans). */
export function transitionPlanFor(manifest: Manifest, oldManifest?: Manifest): TransitionPlan {
  return planTransition({
    newMappings: manifest.serviceMappings,
    newServices: manifest.services,
    oldMappings: oldManifest?.serviceMappings,
    oldServices: oldManifest?.services,
  })
}

function announceTotals(plan: TransitionPlan, options: ActivateSystemOptions): void {
  const totals = new Map<string, { activate: number; deactivate: number }>()
  const bump = (target: string, action: MappingAction) => {
    const t = totals.get(target) ?? { activate: 0, deactivate: 0 }
    t[action]++
    totals.set(target, t)
  }
  for (const m of plan.deactivate) bump(m.target, 'deactivate')
  for (const m of plan.activate) bump(m.target, 'activate')
  for (const [target, t] of totals) {
    if (t.deactivate > 0) options.progress({ kind: 'expect', target, step: 'deactivate', total: t.deactivate })
    if (t.activate > 0) options.progress({ kind: 'expect', target, step: 'activate', total: t.activate })
  }
}

function report(event: TransitionEvent, plan: TransitionPlan, options: ActivateSystemOptions): void {
  const { progress } = options
  switch (event.kind) {
    case 'message':
      progress({ kind: 'message', text: event.text })
      break
    case 'done':
      progress({ kind: 'step', target: event.mapping.target, service: plan.services[event.mapping.service]?.name, step: event.action, status: 'done' })
      break
    case 'failed':
      progress({
        kind: 'step',
        target: event.mapping.target,
        service: plan.services[event.mapping.service]?.name,
        step: event.action,
        status: 'failed',
        text: `${event.action === 'activate' ? 'Activation' : 'Deactivation'} failed of service: ${event.mapping.service}\n${errorText(event.error)}`,
      })
      break
    case 'skip':
      progress({
        kind: 'step',
        target: event.mapping.target,
        step: 'deactivate',
        status: 'skipped',
        text: `Skip service with key: ${event.mapping.service} deploying service: ${event.service?.pkg ?? '?'} since machine is no longer present!`,
      })
      break
    case 'missing-target':
      progress({
        kind: 'step',
        target: event.mapping.target,
        step: 'activate',
        status: 'failed',
        text: `Cannot map service with key: ${event.mapping.service} deploying service: ${event.service?.pkg ?? '?'} since the machine is not present!`,
      })
      break
    case 'start':
      break
  }
}

export { TransitionStatus }
