import { mappingKey, type MappingRef, type TransitionMapping, type TransitionPlan, type TransitionService } from './transition-plan.js'

/**
 * How a transition ended (spec §5.5, the original's TransitionStatus): it succeeded; it failed and the
 * previous configuration is active again (or --no-rollback); or it failed and so did the rollback,
 * either of the obsolete mappings or of the new ones. disnix-activate turns it into its exit status.
 */
export const TransitionStatus = {
  Success: 'success',
  Failed: 'failed',
  ObsoleteMappingsRollbackFailed: 'obsolete-mappings-rollback-failed',
  NewMappingsRollbackFailed: 'new-mappings-rollback-failed',
} as const
export type TransitionStatus = (typeof TransitionStatus)[keyof typeof TransitionStatus]

export type MappingAction = 'activate' | 'deactivate'

export type TransitionEvent =
  | { kind: 'message'; text: string }
  | { kind: 'start'; action: MappingAction; mapping: TransitionMapping; rollback: boolean }
  | { kind: 'done'; action: MappingAction; mapping: TransitionMapping; rollback: boolean }
  | { kind: 'failed'; action: MappingAction; mapping: TransitionMapping; rollback: boolean; error: unknown }
  | { kind: 'skip'; mapping: TransitionMapping; service: TransitionService | undefined }
  | { kind: 'missing-target'; mapping: TransitionMapping; service: TransitionService | undefined }

export interface ExecuteTransitionOptions {
  /** Performs one (de)activation; throws when it fails. */
  run: (action: MappingAction, mapping: TransitionMapping, service: TransitionService) => Promise<void>
  /**
   * Runs after a service was activated (never in a rollback): a health gate. Its dependants start once
   * it calls `gate.passed()` (or it returns); the activation counts as done when it returns, and
   * throwing fails the activation exactly as a failing `run` does, even after `passed()`.
   */
  verify?: (mapping: TransitionMapping, service: TransitionService, gate: VerifyGate) => Promise<void>
  /** numOfCores of a target in the new infrastructure, or undefined when the target is no longer there. */
  coresOf: (target: string) => number | undefined
  noRollback?: boolean
  /** Aborting stops new activities from starting; running ones finish, then the rollback runs. */
  signal?: AbortSignal
  onEvent?: (event: TransitionEvent) => void
}

/** What the engine offers a health gate while it runs. */
export interface VerifyGate {
  /**
   * Runs one check holding one of the target's cores (waiting for a free one): the waits between
   * checks hold none, so that other activities of the target go on meanwhile.
   */
  withCore<T>(work: () => Promise<T>): Promise<T>
  /** The service passed its check: its dependants may start while the gate goes on (its settle time). */
  passed(): void
}

type Status = 'activated' | 'deactivated' | 'in-progress' | 'error'

/**
 * Executes a transition plan: deactivation of obsolete mappings (dependants first), then activation of
 * new ones (dependencies first), at most numOfCores activities per target and every target at once,
 * with the rollback rules of spec §5.5. Returns how it ended.
 */
export async function executeTransition(plan: TransitionPlan, options: ExecuteTransitionOptions): Promise<TransitionStatus> {
  const emit = options.onEvent ?? (() => {})
  const status = new Map<string, Status>()
  for (const m of plan.old ?? []) status.set(mappingKey(m), 'activated')
  for (const m of plan.activate) status.set(mappingKey(m), 'deactivated')
  const engine = new Traversal(plan, status, options)
  const interrupted = () => options.signal?.aborted === true

  emit({ kind: 'message', text: 'Executing deactivation of services:' })
  const deactivated = await engine.run('deactivate', plan.deactivate, false)
  if (!deactivated || interrupted()) {
    if (interrupted()) emit({ kind: 'message', text: 'The deactivation phase has been interrupted, reactivating services again...' })
    if (options.noRollback) {
      emit({ kind: 'message', text: 'Deactivation failed, but not performing a rollback because it has been disabled!' })
      return TransitionStatus.Failed
    }
    emit({ kind: 'message', text: 'Deactivation failed! Doing a rollback...' })
    engine.reset(plan.deactivate, 'activated')
    if (!(await engine.run('activate', plan.old ?? [], true))) {
      emit({ kind: 'message', text: 'Obsolete mappings rollback failed!' })
      return TransitionStatus.ObsoleteMappingsRollbackFailed
    }
    return TransitionStatus.Failed
  }

  emit({ kind: 'message', text: 'Executing activation of services:' })
  const activated = await engine.run('activate', plan.activate, false)
  if (!activated || interrupted()) {
    if (interrupted()) emit({ kind: 'message', text: 'The activation has been interrupted, reverting back to the old state...' })
    if (options.noRollback) {
      emit({ kind: 'message', text: 'Activation failed, but not performing a rollback because it has been disabled!' })
      return TransitionStatus.Failed
    }
    emit({ kind: 'message', text: 'Activation failed! Doing a rollback...' })
    engine.reset(plan.activate, 'deactivated')
    if (!(await engine.run('deactivate', plan.activate, true))) {
      emit({ kind: 'message', text: 'New mappings rollback failed!' })
      return TransitionStatus.NewMappingsRollbackFailed
    }
    if (plan.old !== undefined) {
      engine.reset(plan.deactivate, 'activated')
      if (!(await engine.run('activate', plan.old, true))) {
        emit({ kind: 'message', text: 'Obsolete mappings rollback failed!' })
        return TransitionStatus.ObsoleteMappingsRollbackFailed
      }
    }
    return TransitionStatus.Failed
  }
  return TransitionStatus.Success
}

/** One traversal strategy at a time over the unified array, sharing the status table across phases. */
class Traversal {
  private readonly byKey = new Map<string, TransitionMapping>()
  /** mapping key → keys of the mappings in U whose service dependsOn it (its interdependents). */
  private readonly dependants = new Map<string, string[]>()
  private readonly busyCores = new Map<string, number>()
  /** Checks waiting for a core of their target, first come first served. */
  private readonly coreWaiters = new Map<string, Array<() => void>>()
  /** Events since the scheduling loop of `run` last looked (an activity ended, a core became free, a gate passed). */
  private events = 0
  private waiting: (() => void) | undefined

  /** Wakes the scheduling loop of `run`, or makes its next wait return at once. */
  private wake(): void {
    this.events++
    const waiting = this.waiting
    this.waiting = undefined
    waiting?.()
  }

  /** Waits for the next event (none lost: one that came since the last look ends the wait at once). */
  private async nextEvent(): Promise<void> {
    if (this.events === 0) await new Promise<void>((resolve) => (this.waiting = resolve))
    this.events = 0
  }
  /** Mappings that were activated but failed their health gate: in error, yet active on their target. */
  private readonly unhealthy = new Set<string>()

  constructor(
    private readonly plan: TransitionPlan,
    private readonly status: Map<string, Status>,
    private readonly options: ExecuteTransitionOptions,
  ) {
    for (const m of plan.unified) this.byKey.set(mappingKey(m), m)
    for (const m of plan.unified) {
      for (const dep of this.dependenciesOf(m)) {
        const list = this.dependants.get(mappingKey(dep)) ?? []
        list.push(mappingKey(m))
        this.dependants.set(mappingKey(dep), list)
      }
    }
  }

  /** Rollback bookkeeping: what failed is assumed to have stayed in `to`. */
  reset(mappings: readonly TransitionMapping[], to: Status): void {
    for (const m of mappings) {
      const key = mappingKey(m)
      if (this.status.get(key) !== 'error') continue
      // A service that failed only its health gate is running: the rollback deactivates it too.
      this.status.set(key, this.unhealthy.delete(key) ? 'activated' : to)
    }
  }

  /** Brings every mapping of `set` into the action's final state; true when all of them got there. */
  async run(action: MappingAction, set: readonly TransitionMapping[], rollback: boolean): Promise<boolean> {
    const goal: Status = action === 'activate' ? 'activated' : 'deactivated'
    const emit = this.options.onEvent ?? (() => {})
    const running = new Map<string, Promise<void>>()
    const visited = new Set<string>()
    // A rollback is never interrupted: it is what an interruption asks for.
    const stopping = () => !rollback && this.options.signal?.aborted === true

    // Each mapping's key and blockers, worked out once: a pass looks only at the mappings still waiting
    // (one that started, got there or failed never waits again), so a pass after each event stays cheap
    // with a thousand services.
    let waiting = set.map((m) => {
      const key = mappingKey(m)
      const blockers = action === 'activate' ? this.dependenciesOf(m).map(mappingKey) : (this.dependants.get(key) ?? [])
      return { m, key, blockers, unknownDependency: action === 'activate' && blockers.some((b) => !this.byKey.has(b)) }
    })
    for (;;) {
      let changed = false
      const stillWaiting: typeof waiting = []
      for (const entry of waiting) {
        const { m, key, blockers, unknownDependency } = entry
        const state = this.status.get(key)
        if (state === goal || state === 'error' || state === 'in-progress') continue
        stillWaiting.push(entry)
        let blocked = false
        let blockerFailed = false
        for (const b of blockers) {
          const s = this.status.get(b)
          if (s === 'error') blockerFailed = true
          else if (s !== goal) blocked = true
        }
        if (blockerFailed) {
          this.status.set(key, 'error')
          changed = true
          continue
        }
        if (unknownDependency) {
          this.status.set(key, 'error')
          emit({ kind: 'failed', action, mapping: m, rollback, error: new Error(`a dependency of service ${m.service} is not part of the configuration`) })
          changed = true
          continue
        }
        if (blocked) continue
        const cores = this.options.coresOf(m.target)
        if (cores === undefined) {
          if (action === 'deactivate') {
            emit({ kind: 'skip', mapping: m, service: this.plan.services[m.service] })
            this.status.set(key, 'deactivated')
          } else {
            emit({ kind: 'missing-target', mapping: m, service: this.plan.services[m.service] })
            this.status.set(key, 'error')
          }
          changed = true
          continue
        }
        if (stopping() || !this.tryTakeCore(m.target, cores)) continue
        const service = this.plan.services[m.service]
        if (service === undefined) {
          this.status.set(key, 'error')
          emit({ kind: 'failed', action, mapping: m, rollback, error: new Error(`service ${m.service} is not in the manifest`) })
          changed = true
          continue
        }
        this.status.set(key, 'in-progress')
        visited.add(key)
        emit({ kind: 'start', action, mapping: m, rollback })
        let holdsCore = true
        const releaseCore = () => {
          if (!holdsCore) return
          holdsCore = false
          this.releaseCore(m.target)
        }
        running.set(
          key,
          this.runAndVerify(action, m, service, rollback, releaseCore, () => {
            // Passing once lets the dependants start; the gate's verdict still decides below.
            if (this.status.get(key) === 'in-progress') this.status.set(key, goal)
            this.wake()
          }).then(
            () => {
              this.status.set(key, goal)
              emit({ kind: 'done', action, mapping: m, rollback })
            },
            (error: unknown) => {
              this.status.set(key, 'error')
              emit({ kind: 'failed', action, mapping: m, rollback, error })
            },
          ).finally(() => {
            releaseCore()
            running.delete(key)
            this.wake()
          }),
        )
        changed = true
      }
      waiting = stillWaiting
      if (running.size > 0) {
        await this.nextEvent()
        continue
      }
      if (!changed) break
    }
    // Anything still short of its goal (interrupted before it started, or blocked by a cycle) failed.
    return set.every((m) => this.status.get(mappingKey(m)) === goal)
  }

  /**
   * The activity holding a core of the target, then (a new activation only) its health gate, whose
   * checks take a core each while the waits between them hold none.
   */
  private async runAndVerify(
    action: MappingAction,
    m: TransitionMapping,
    service: TransitionService,
    rollback: boolean,
    releaseCore: () => void,
    passed: () => void,
  ): Promise<void> {
    await this.options.run(action, m, service)
    releaseCore()
    if (action !== 'activate' || rollback || this.options.verify === undefined) return
    try {
      await this.options.verify(m, service, { withCore: (work) => this.withCore(m.target, work), passed })
    } catch (error) {
      this.unhealthy.add(mappingKey(m))
      throw error
    }
  }

  /** Takes a core of `target` if one is free and no check waits for one. */
  private tryTakeCore(target: string, cores: number): boolean {
    const busy = this.busyCores.get(target) ?? 0
    if (busy >= Math.max(1, cores) || (this.coreWaiters.get(target)?.length ?? 0) > 0) return false
    this.busyCores.set(target, busy + 1)
    return true
  }

  /** Gives a core back: to the next waiting check, or free for the scheduler. */
  private releaseCore(target: string): void {
    const next = this.coreWaiters.get(target)?.shift()
    if (next !== undefined) return next()
    this.busyCores.set(target, (this.busyCores.get(target) ?? 1) - 1)
    this.wake()
  }

  private async withCore<T>(target: string, work: () => Promise<T>): Promise<T> {
    const cores = Math.max(1, this.options.coresOf(target) ?? 1)
    if (!this.tryTakeCore(target, cores)) await new Promise<void>((resolve) => this.coreWaiters.set(target, [...(this.coreWaiters.get(target) ?? []), resolve]))
    try {
      return await work()
    } finally {
      this.releaseCore(target)
    }
  }

  private dependenciesOf(m: TransitionMapping): MappingRef[] {
    return [...(this.plan.services[m.service]?.dependsOn ?? [])]
  }
}
