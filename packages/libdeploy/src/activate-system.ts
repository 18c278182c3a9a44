import type { CheckOutcome } from '@disnix-ts/libinterface'
import { DisnixError, maskArguments, progressError, redact, SECRET_PROPERTY_WORDS, withPhase } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'
import { mappingParameters } from '@disnix-ts/libmanifest'
import { argumentSecrets, clientFor, errorText, type DeployContext } from './deploy-context.js'
import { executeTransition, TransitionStatus, type MappingAction, type TransitionEvent, type VerifyGate } from './execute-transition.js'
import { checkDeployment, type ServiceStatus } from './check-deployment.js'
import { checkService, healthCheckError } from './check-service.js'
import { serviceLabels } from './service-labels.js'
import { checkSecretFiles, deliverSecrets, removeSecrets, secretContents } from './service-secrets.js'
import { isTargetLoss, lossReason } from './target-loss.js'
import { mappingKey, planTransition, sortMappings, type TransitionMapping, type TransitionPlan } from './transition-plan.js'
import { DEFAULT_HEALTH_CHECK_POLICY, waitUntilHealthy, type HealthCheckPolicy } from './wait-until-healthy.js'

export interface ActivateSystemOptions extends DeployContext {
  manifest: Manifest
  /** The configuration that is active now; absent for an installation from scratch or --no-upgrade. */
  oldManifest?: Manifest
  noRollback?: boolean
  /** Walk the transition and print what would happen, without touching any target. */
  dryRun?: boolean
  /**
   * The health gate after each new activation: off (`false`), or how long a service without its own
   * `healthCheckTimeout` may take to pass. Default: on, {@link DEFAULT_HEALTH_CHECK_POLICY}.
   */
  healthChecks?: HealthCheckPolicy | false
  /**
   * Runs right after an obsolete mapping was deactivated, before anything it depends on (its
   * container's provider) is: what must happen while those still run (snapshotting its state).
   * A failure fails the deactivation, so the transition rolls back.
   */
  afterDeactivate?: (mapping: TransitionMapping) => Promise<void>
  /** The Disnix profile on the targets: the secrets of its services are kept apart from other profiles'. */
  profile?: string
  /**
   * Filled with the targets that could not be reached during the transition (their link went down):
   * why, and the activity that was running there (it may or may not have run).
   */
  lost?: Map<string, LostDuringTransition>
  /** Filled with what each activity that succeeded left its mapping (by mappingKey): the last word wins. */
  done?: Map<string, 'activated' | 'deactivated'>
}

export interface LostDuringTransition {
  reason: string
  /** `deactivation of api` / `activation of web (rollback)`. */
  during: string
}

/**
 * The transition of spec §5.5: deactivates obsolete service mappings (dependants first), activates new
 * ones (dependencies first), with at most numOfCores activities per target and all targets at once,
 * and rolls back on failure or interruption. Returns how the transition ended.
 */
export async function activateSystem(options: ActivateSystemOptions): Promise<TransitionStatus> {
  return withPhase(options.progress, 'activate', () => transitionTo(options), (status) => status !== TransitionStatus.Success)
}

async function transitionTo(options: ActivateSystemOptions): Promise<TransitionStatus> {
  const { manifest, oldManifest, progress } = options
  progress({ kind: 'message', text: oldManifest ? 'Doing an upgrade from previous manifest file' : 'Doing an installation from scratch' })
  progress({ kind: 'message', text: 'Executing the transition to the new deployment state' })
  const plan = transitionPlanFor(manifest, oldManifest)
  // Old mappings are (de)activated with the services they had, on the targets of the new infrastructure.
  const unified: Manifest = { ...manifest, services: { ...oldManifest?.services, ...manifest.services } }
  return runTransition(plan, unified, oldManifest?.services, options, false)
}

export interface RepairResult {
  /** The services whose check failed before the repair (those re-activated), in canonical order. */
  failing: ServiceStatus[]
  /** How the re-activation ended (`success` when nothing needed a repair). */
  status: TransitionStatus
}

/**
 * Repair (disnix-activate --repair): checks every service of the deployment and re-activates exactly
 * the failing ones (healthy and unknown count as passing), dependencies first, each deactivated first so
 * that stale state (a PID file of a killed process) does not stop the activation, and each health-gated.
 * Nothing is rolled back and no profile changes: the deployment stays the same, only running again.
 */
export async function repairDeployment(options: ActivateSystemOptions): Promise<RepairResult> {
  const { manifest, progress } = options
  progress({ kind: 'message', text: 'Checking the health of the deployed services...' })
  const statuses = await checkDeployment({ ...options, manifest })
  const failing = statuses.filter((s) => s.outcome.status === 'failing')
  if (failing.length === 0) {
    progress({ kind: 'message', text: 'Every service passes its health check; nothing to repair' })
    return { failing, status: TransitionStatus.Success }
  }
  for (const s of failing) progress({ kind: 'message', target: s.target, text: `Service: ${s.name} is failing (${s.outcome.reason}); repairing it` })
  const failingKeys = new Set(failing.map((s) => mappingKey(s)))
  const all = sortMappings(manifest.serviceMappings)
  const plan: TransitionPlan = {
    deactivate: [],
    activate: all.filter((m) => failingKeys.has(mappingKey(m))),
    unchanged: all.filter((m) => !failingKeys.has(mappingKey(m))),
    old: all,
    unified: all,
    services: { ...manifest.services },
  }
  const status = await runTransition(plan, manifest, undefined, { ...options, noRollback: true }, true)
  return { failing, status }
}

/** Executes a plan with progress, the health gate and (restart) a deactivation before each activation. */
async function runTransition(
  plan: TransitionPlan,
  unified: Manifest,
  oldServices: Manifest['services'] | undefined,
  options: ActivateSystemOptions,
  restart: boolean,
): Promise<TransitionStatus> {
  const { manifest, progress } = options
  // Every secret must be at hand before anything changes on a target.
  await checkSecretFiles(unified.services, plan.activate)
  announceTotals(plan, options)
  const label = serviceLabels(manifest.services, oldServices)
  // The engine announces each activity (with whether it is part of the rollback) right before it runs it.
  const rollingBack = new Set<string>()
  const policy = options.healthChecks === undefined ? DEFAULT_HEALTH_CHECK_POLICY : options.healthChecks
  // The first check of a gated activation, made by the target right after the activation in the same
  // call where the interface knows how (activate-check): one round trip less per service. The gate
  // takes it as its first answer (by mappingKey).
  const firstChecks = new Map<string, CheckOutcome>()

  const run = async (action: MappingAction, mapping: TransitionMapping): Promise<void> => {
    const parameters = mappingParameters(unified, mapping)
    const words = options.secretProperties ?? SECRET_PROPERTY_WORDS
    const verb = options.dryRun ? `Dry-run ${action === 'activate' ? 'activating' : 'deactivating'}` : action === 'activate' ? 'Activating' : 'Deactivating'
    progress({
      kind: 'step',
      target: mapping.target,
      service: label(mapping.service),
      key: mapping.service,
      container: mapping.container,
      ...(rollingBack.has(mappingKey(mapping)) ? { rollback: true } : {}),
      step: action,
      status: 'start',
      text: `${verb} service with key: ${mapping.service} and package: ${parameters.pkg} with module: ${parameters.type} in container: ${parameters.container}, arguments: ${maskArguments(parameters.arguments, words).map((a) => `${a} `).join('')}`,
    })
    if (options.dryRun) return
    const service = unified.services[mapping.service]
    const hasSecrets = service?.secrets !== undefined && Object.keys(service.secrets).length > 0
    // A module that prints a secret it read shows *** as for a secret property.
    const shown = hasSecrets && action === 'activate' ? await secretContents(service) : []
    // Activities are never cancelled half-way: an interruption lets them finish and then rolls back.
    const target = clientFor(manifest.infrastructure[mapping.target]!, options, { cancellable: false, secrets: [...argumentSecrets(parameters.arguments, options), ...shown] })
    // A target found lost in this transition is not asked again (each call would wait for ConnectTimeout).
    const gone = options.lost?.get(mapping.target)
    if (gone) throw new DisnixError('TARGET_UNREACHABLE', `${gone.reason} (found lost during the ${gone.during}; not asked again)`)
    try {
      // The module gets the paths of its secrets, delivered right before; never their content.
      const secretArguments = action === 'activate' && hasSecrets ? await deliverSecrets(target, mapping, service, options.profile) : []
      const activity = { component: parameters.pkg, container: parameters.container, type: parameters.type, arguments: [...parameters.arguments, ...secretArguments] }
      if (restart && action === 'activate') {
        // The service is failing already: a deactivation that fails too (nothing left to stop) does not matter.
        await target.call({ op: 'deactivate', ...activity }).catch((error: unknown) => {
          progress({ kind: 'message', target: mapping.target, text: `Deactivating failing service: ${mapping.service} before repairing it failed (${errorText(error).split('\n')[0]}); activating it anyway` })
        })
      }
      const gated = action === 'activate' && policy !== false && !rollingBack.has(mappingKey(mapping))
      // A service with secrets is checked without their paths (only its activation gets them): two calls.
      if (gated && !hasSecrets && target.interface.knows?.('activate-check') === true) {
        const outcome = await target.call({ op: 'activate-check', ...activity })
        firstChecks.set(mappingKey(mapping), { ...outcome, reason: redact(outcome.reason, argumentSecrets(parameters.arguments, options)) })
      } else await target.call({ op: action, ...activity })
      options.done?.set(mappingKey(mapping), action === 'activate' ? 'activated' : 'deactivated')
    } catch (error) {
      if (isTargetLoss(error)) {
        if (!options.lost?.has(mapping.target)) {
          const during = `${action === 'activate' ? 'activation' : 'deactivation'} of ${label(mapping.service)}${rollingBack.has(mappingKey(mapping)) ? ' (rollback)' : ''}`
          options.lost?.set(mapping.target, { reason: lossReason(error), during })
        }
      } else if (action === 'activate' && hasSecrets) {
        // A service that did not come up keeps none of its secrets on the target (nothing deactivates it).
        await removeSecrets(target, mapping, options.profile).catch(() => undefined)
      }
      throw error
    }
    // A deactivated service's secrets leave its target (also in a rollback).
    if (action === 'deactivate' && hasSecrets) await removeSecrets(target, mapping, options.profile)
  }

  const verify = async (mapping: TransitionMapping, _service: unknown, gate: VerifyGate): Promise<void> => {
    if (policy === false || options.dryRun) return
    const service = unified.services[mapping.service]!
    const own = service.healthCheckTimeout
    const timeoutMs = own === undefined ? policy.timeoutMs : own * 1000
    const step = { kind: 'step', target: mapping.target, service: label(mapping.service), key: mapping.service, container: mapping.container, step: 'check' } as const
    progress({ ...step, status: 'start' })
    let first = firstChecks.get(mappingKey(mapping))
    firstChecks.delete(mappingKey(mapping))
    const check = (): Promise<CheckOutcome> => {
      if (first === undefined) return gate.withCore(() => checkService(manifest, mapping, options))
      const answer = first
      first = undefined
      return Promise.resolve(answer)
    }
    const outcome = await waitUntilHealthy(check, {
      ...policy,
      timeoutMs,
      signal: options.signal,
      onHealthy: gate.passed,
    })
    if (outcome.status === 'failing') throw healthCheckError(service.name, mapping.target, outcome.reason, timeoutMs)
    progress({ ...step, status: 'done' })
  }

  const afterDeactivate = options.dryRun ? undefined : options.afterDeactivate
  return executeTransition(plan, {
    run: async (action, mapping) => {
      await run(action, mapping)
      if (action === 'deactivate') await afterDeactivate?.(mapping)
    },
    verify,
    coresOf: (target) => manifest.infrastructure[target]?.numOfCores,
    noRollback: options.noRollback,
    signal: options.signal,
    onEvent: (event) => {
      if (event.kind === 'start') {
        if (event.rollback) rollingBack.add(mappingKey(event.mapping))
        else rollingBack.delete(mappingKey(event.mapping))
      }
      report(event, label, options)
    },
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

function report(event: TransitionEvent, label: (key: string) => string, options: ActivateSystemOptions): void {
  const { progress } = options
  if (event.kind === 'message') return progress({ kind: 'message', text: event.text })
  if (event.kind === 'start') return
  const mapping = { target: event.mapping.target, service: label(event.mapping.service), key: event.mapping.service, container: event.mapping.container }
  switch (event.kind) {
    case 'done':
      progress({ kind: 'step', ...mapping, step: event.action, status: 'done', ...(event.rollback ? { rollback: true } : {}) })
      break
    case 'failed':
      progress({
        kind: 'step',
        ...mapping,
        step: event.action,
        status: 'failed',
        ...(event.rollback ? { rollback: true } : {}),
        text: `${event.action === 'activate' ? 'Activation' : 'Deactivation'} failed of service: ${mapping.service}`,
        error: progressError(event.error),
      })
      break
    case 'skip':
      progress({
        kind: 'step',
        ...mapping,
        step: 'deactivate',
        status: 'skipped',
        text: `Skip service with key: ${event.mapping.service} deploying service: ${event.service?.pkg ?? '?'} since machine is no longer present!`,
      })
      break
    case 'missing-target':
      progress({
        kind: 'step',
        ...mapping,
        step: 'activate',
        status: 'failed',
        text: `Cannot map service with key: ${event.mapping.service} deploying service: ${event.service?.pkg ?? '?'} since the machine is not present!`,
      })
      break
  }
}

export { TransitionStatus }
