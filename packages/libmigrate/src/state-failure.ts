import { DisnixError, isErrorCode, type ErrorCode } from '@disnix-ts/libmain'
import { errorText } from './state-context.js'
import type { StateMapping } from './state-mappings.js'

/** What a state step does to one service's state on its target. */
export type StateStep = 'snapshot' | 'retrieve' | 'send' | 'restore' | 'delete'

/** The failure of a state step on one mapping: where, which component, why. */
export interface StateStepFailure {
  target: string
  container: string
  component: string
  error: unknown
}

/**
 * A state step (snapshot, transfer, restore, deletion) that failed on some mappings; each failure names
 * its target, so that a deployment can tell a target that was lost from a service that failed.
 */
export class StateStepError extends DisnixError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly step: StateStep,
    readonly failures: readonly StateStepFailure[],
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(code, message, options)
  }
}

/** One DisnixError for the mappings a step failed on, naming each target, component and cause. */
export function stateFailure(code: ErrorCode, summary: string, failures: readonly { item: StateMapping; error: unknown }[], step: StateStep): StateStepError {
  const details = failures.map(({ item, error }) => `[target: ${item.targetName}]: ${item.mapping.container}/${item.mapping.component}: ${errorText(error)}`)
  const corrupt = failures.map(({ error }) => error).find((error) => isErrorCode(error, 'SNAPSHOT_CORRUPT'))
  const each = failures.map(({ item, error }) => ({ target: item.targetName, container: item.mapping.container, component: item.mapping.component, error }))
  return new StateStepError(corrupt ? corrupt.code : code, `${summary}\n${details.join('\n')}`, step, each, { hint: corrupt?.hint, cause: failures[0]?.error })
}
