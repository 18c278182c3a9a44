import { hostname, userInfo } from 'node:os'
import { createProgressRenderer, plainProgress, type ProgressRenderer, type ProgressSink, type Session, type ToolIo } from '@disnix-ts/libmain'
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

const TMPDIR = { name: 'TMPDIR', meaning: 'Directory for temporary files (default: /tmp)' }

/**
 * The session of every coordinator tool that reaches targets: progress on stderr (a live view on a
 * terminal, the original's prefixed lines otherwise or with --verbose), TMPDIR, and Ctrl-C handling:
 * the first interrupt lets running activities finish and then rolls back; a second one ends the process.
 */
export const coordinatorSession: Session<CoordinatorSession, CoordinatorOptions> = {
  kind: 'coordinator',
  errorPrefix: '[coordinator]: ',
  environment: [TMPDIR],
  exitStatuses: [{ status: 130, meaning: 'interrupted (Ctrl-C); the previous configuration is active and no target is left locked', codes: ['INTERRUPTED'] }],
  open: ({ opts, io }) => openCoordinatorSession(io, { plain: opts.verbose === true, interrupts: true }),
  close: closeCoordinatorSession,
}

/**
 * The session of disnix-diagnose, whose shell owns the terminal: plain lines only, and Ctrl-C belongs
 * to the shell (an interrupt ends the tool as it ends any program; there is nothing to roll back).
 */
export const coordinatorShellSession: Session<CoordinatorSession> = {
  kind: 'coordinator',
  errorPrefix: '[coordinator]: ',
  open: ({ io }) => openCoordinatorSession(io, { plain: true, interrupts: false }),
  close: closeCoordinatorSession,
}

function openCoordinatorSession(io: ToolIo, options: { plain: boolean; interrupts: boolean }): OpenSession {
  const stream = io.stderr as NodeJS.WriteStream
  const renderer = createProgressRenderer({ stream, plain: options.plain })
  const live = !options.plain && stream.isTTY === true
  const controller = new AbortController()
  io.signal?.addEventListener('abort', () => controller.abort(), { once: true })
  let onSigint: (() => void) | undefined
  if (io.main && options.interrupts) {
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
      tmpdir: tmpdirOf(io),
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
}

function closeCoordinatorSession(session: CoordinatorSession): void {
  const open = session as OpenSession
  if (open.onSigint) process.off('SIGINT', open.onSigint)
  open.renderer.close()
}

/** What a coordinator tool that reaches no target works with. */
export interface CoordinatorLocalSession {
  /** The original's `[coordinator]: ` lines on stderr. */
  progress: ProgressSink
  /** Where temporary files go ($TMPDIR, else /tmp). */
  tmpdir: string
  /** The user whose coordinator profile is used (`whoami`). */
  user: string
  /** The local host name: the default target of mappings without one. */
  hostname: string
}

/**
 * The session of the coordinator tools that reach no target (evaluating models, reading manifests,
 * running other tools): their messages carry the coordinator's prefix, and Ctrl-C simply ends them.
 */
export const coordinatorLocalSession: Session<CoordinatorLocalSession> = {
  kind: 'plain',
  errorPrefix: '[coordinator]: ',
  open: ({ io }) => ({ progress: plainProgress(io.stderr), tmpdir: tmpdirOf(io), user: userInfo().username, hostname: hostname() }),
}

function tmpdirOf(io: ToolIo): string {
  return io.env.TMPDIR || '/tmp'
}
