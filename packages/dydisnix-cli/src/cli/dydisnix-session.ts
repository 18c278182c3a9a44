import type { Session } from '@disnix-ts/libmain'

/**
 * The session of the Dynamic Disnix tools: they compute on models or run the other tools as processes,
 * so they need nothing but the coordinator's prefix on their messages (as the original prints them).
 */
export const dydisnixSession: Session<undefined> = {
  kind: 'plain',
  errorPrefix: '[coordinator]: ',
  open: () => undefined,
}

/** The directory for temporary and output files of a run. */
export function tmpdirOf(env: NodeJS.ProcessEnv): string {
  return env.TMPDIR || '/tmp'
}
