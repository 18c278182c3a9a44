import { hostname, userInfo } from 'node:os'
import { createProgressRenderer, type ProgressSink } from '@disnix-ts/libmain'
import type { DeployContext } from '@disnix-ts/libdeploy'
import { coordinatorInterfaces } from './client-interfaces.js'

export interface CoordinatorSession {
  context: DeployContext
  progress: ProgressSink
  /** The user whose coordinator profile is used (`whoami`). */
  user: string
  /** The local host name: the default target of mappings without one. */
  hostname: string
  close(): void
}

/**
 * What every coordinator tool sets up: progress on stderr (live view on a terminal, the original's
 * prefixed lines otherwise or with --verbose), TMPDIR, and Ctrl-C handling — the first interrupt lets
 * running activities finish and then rolls back; a second one ends the process.
 */
export function coordinatorSession(options: { verbose?: boolean } = {}): CoordinatorSession {
  const renderer = createProgressRenderer({ stream: process.stderr, plain: options.verbose })
  const live = !options.verbose && process.stderr.isTTY === true
  const controller = new AbortController()
  let interrupts = 0
  const onSigint = () => {
    interrupts++
    if (interrupts > 1) process.exit(130)
    renderer.sink({ kind: 'message', text: 'Interrupted: letting running activities finish, then rolling back (press Ctrl-C again to abort at once)' })
    controller.abort()
  }
  process.on('SIGINT', onSigint)
  return {
    context: {
      progress: renderer.sink,
      clientInterfaces: coordinatorInterfaces(process.env),
      tmpdir: process.env.TMPDIR || '/tmp',
      // On a live view the interfaces' own output would tear it apart; it is kept for error messages.
      interfaceStderr: live ? undefined : process.stderr,
      signal: controller.signal,
    },
    progress: renderer.sink,
    user: userInfo().username,
    hostname: hostname(),
    close() {
      process.off('SIGINT', onSigint)
      renderer.close()
    },
  }
}

/** Runs `fn` in a coordinator session and closes it afterwards, also on failure. */
export async function withCoordinatorSession<T>(options: { verbose?: boolean }, fn: (session: CoordinatorSession) => Promise<T>): Promise<T> {
  const session = coordinatorSession(options)
  try {
    return await fn(session)
  } finally {
    session.close()
  }
}
