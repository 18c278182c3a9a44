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
  /** numOfCores of a target in the new infrastructure, or undefined when the target is no longer there. */
  coresOf: (target: string) => number | undefined
  noRollback?: boolean
  /** Aborting stops new activities from starting; running ones finish, then the rollback runs. */
  signal?: AbortSignal
  onEvent?: (event: TransitionEvent) => void
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
    for (const m of mappings) if (this.status.get(mappingKey(m)) === 'error') this.status.set(mappingKey(m), to)
  }

  /** Brings every mapping of `set` into the action's final state; true when all of them got there. */
  async run(action: MappingAction, set: readonly TransitionMapping[], rollback: boolean): Promise<boolean> {
    const goal: Status = action === 'activate' ? 'activated' : 'deactivated'
    const emit = this.options.onEvent ?? (() => {})
    const running = new Map<string, Promise<void>>()
    const visited = new Set<string>()
    // A rollback is never interrupted: it is what an interruption asks for.
    const stopping = () => !rollback && this.options.signal?.aborted === true

    for (;;) {
      let changed = false
      for (const m of set) {
        const key = mappingKey(m)
        const state = this.status.get(key)
        if (state === goal || state === 'error' || state === 'in-progress') continue
        const blockers = action === 'activate' ? this.dependenciesOf(m).map(mappingKey) : (this.dependants.get(key) ?? [])
        const blockerStates = blockers.map((b) => this.status.get(b))
        if (blockerStates.some((s) => s === 'error')) {
          this.status.set(key, 'error')
          changed = true
          continue
        }
        if (action === 'activate' && blockers.some((b) => !this.byKey.has(b))) {
          this.status.set(key, 'error')
          emit({ kind: 'failed', action, mapping: m, rollback, error: new Error(`a dependency of service ${m.service} is not part of the configuration`) })
          changed = true
          continue
        }
        if (!blockerStates.every((s) => s === goal)) continue
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
        if (stopping() || (this.busyCores.get(m.target) ?? 0) >= Math.max(1, cores)) continue
        const service = this.plan.services[m.service]
        if (service === undefined) {
          this.status.set(key, 'error')
          emit({ kind: 'failed', action, mapping: m, rollback, error: new Error(`service ${m.service} is not in the manifest`) })
          changed = true
          continue
        }
        this.status.set(key, 'in-progress')
        this.busyCores.set(m.target, (this.busyCores.get(m.target) ?? 0) + 1)
        visited.add(key)
        emit({ kind: 'start', action, mapping: m, rollback })
        running.set(
          key,
          this.options.run(action, m, service).then(
            () => {
              this.status.set(key, goal)
              emit({ kind: 'done', action, mapping: m, rollback })
            },
            (error: unknown) => {
              this.status.set(key, 'error')
              emit({ kind: 'failed', action, mapping: m, rollback, error })
            },
          ).finally(() => {
            this.busyCores.set(m.target, (this.busyCores.get(m.target) ?? 1) - 1)
            running.delete(key)
          }),
        )
        changed = true
      }
      if (running.size > 0) {
        await Promise.race(running.values())
        continue
      }
      if (!changed) break
    }
    // Anything still short of its goal (interrupted before it started, or blocked by a cycle) failed.
    return set.every((m) => this.status.get(mappingKey(m)) === goal)
  }

  private dependenciesOf(m: TransitionMapping): MappingRef[] {
    return [...(this.plan.services[m.service]?.dependsOn ?? [])]
  }
}
