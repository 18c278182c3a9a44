import { DisnixError, type DisnixErrorOptions } from '@disnix-ts/libmain'
import type { TransitionStatus } from './execute-transition.js'

/** A transition that failed (TRANSITION_FAILED), with how it ended: rolled back, or the rollback failed too. */
export class TransitionError extends DisnixError {
  readonly status: Exclude<TransitionStatus, 'success'>

  constructor(status: Exclude<TransitionStatus, 'success'>, message: string, options: DisnixErrorOptions = {}) {
    super('TRANSITION_FAILED', message, options)
    this.name = 'TransitionError'
    this.status = status
  }
}
