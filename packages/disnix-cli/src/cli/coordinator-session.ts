import { hostname, userInfo } from 'node:os'
import { createProgressRenderer, type ProgressRenderer, type ProgressSink, type Session } from '@disnix-ts/libmain'
import type { DeployContext } from '@disnix-ts/libdeploy'
import { coordinatorInterfaces } from './client-interfaces.js'

/** What a coordinator tool works with: progress, cancellation and how to reach the targets. */
export interface CoordinatorSession {
  context: DeployContext
  progress: ProgressSink
  /** The user whose coordinator profile is used (`whoami`). */
  user: string
  /** The local host name: the default target of mappings without one. */
  hostname: string
}

/** The options a coordinator session reads. */
export interface CoordinatorOptions {
  /** Plain prefixed lines even on a terminal. */
  verbose?: boolean
}

interface OpenSession extends CoordinatorSession {
  renderer: ProgressRenderer
  onSigint?: () => void
}

/**
 * The session of every coordinator tool: progress on stderr (a live view on a terminal, the
 * original's prefixed lines otherwise or with --verbose), TMPDIR, and Ctrl-C handling: the first
 * interrupt lets running activities finish and then rolls back; a second one ends the process.
 */
export const coordinatorSession: Session<CoordinatorSession, CoordinatorOptions> = {
  kind: 'coordinator',
  errorPrefix: '[coordinator]: ',
  environment: [{ name: 'TMPDIR', meaning: 'Directory for temporary files (default: /tmp)' }],
  exitStatuses: [{ status: 130, meaning: 'interrupted (Ctrl-C); the previous configuration is active and no target is left locked', codes: ['INTERRUPTED'] }],
  open({ opts, io }): OpenSession {
    const stream = io.stderr as NodeJS.WriteStream
    const renderer = createProgressRenderer({ stream, plain: opts.verbose })
    const live = !opts.verbose && stream.isTTY === true
    const controller = new AbortController()
    io.signal?.addEventListener('abort', () => controller.abort(), { once: true })
    let onSigint: (() => void) | undefined
    if (io.main) {
      let interrupts = 0
      onSigint = () => {
        interrupts++
        if (interrupts > 1) process.exit(130)
        renderer.sink({ kind: 'message', text: 'Interrupted: letting running activities finish, then rolling back (press Ctrl-C again to abort at once)' })
        controller.abort()
      }
      process.on('SIGINT', onSigint)
    }
    return {
      context: {
        progress: renderer.sink,
        clientInterfaces: coordinatorInterfaces(io.env),
        tmpdir: io.env.TMPDIR || '/tmp',
        // On a live view the interfaces' own output would tear it apart; it is kept for error messages.
        interfaceStderr: live ? undefined : io.stderr,
        signal: controller.signal,
      },
      progress: renderer.sink,
      user: userInfo().username,
      hostname: hostname(),
      renderer,
      onSigint,
    }
  },
  close(session) {
    const open = session as OpenSession
    if (open.onSigint) process.off('SIGINT', open.onSigint)
    open.renderer.close()
  },
}

/**
 * The session of the coordinator tools that reach no target (evaluating models, reading manifests):
 * their messages carry the coordinator's prefix, and Ctrl-C simply ends them.
 */
export const coordinatorLocalSession: Session<undefined> = {
  kind: 'plain',
  errorPrefix: '[coordinator]: ',
  open: () => undefined,
}
