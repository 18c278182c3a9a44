import { DisnixError, isErrorCode, type ErrorCode } from '@disnix-ts/libmain'
import { errorText } from './state-context.js'
import type { StateMapping } from './state-mappings.js'

/** One DisnixError for the mappings a step failed on, naming each target, component and cause. */
export function stateFailure(code: ErrorCode, summary: string, failures: readonly { item: StateMapping; error: unknown }[]): DisnixError {
  const details = failures.map(({ item, error }) => `[target: ${item.targetName}]: ${item.mapping.container}/${item.mapping.component}: ${errorText(error)}`)
  const corrupt = failures.map(({ error }) => error).find((error) => isErrorCode(error, 'SNAPSHOT_CORRUPT'))
  return new DisnixError(corrupt ? corrupt.code : code, `${summary}\n${details.join('\n')}`, { hint: corrupt?.hint, cause: failures[0]?.error })
}
