import { setMaxListeners } from 'node:events'
import { hostname, userInfo } from 'node:os'
import {
  createProgressReporter,
  logFormatOption,
  SECRET_PROPERTIES_HELP,
  secretPropertyWords,
  verboseOption,
  type LogFormat,
  type ProgressReporter,
  type ProgressSink,
  type RunOutcome,
  type Session,
  type ToolIo,
} from '@disnix-ts/libmain'
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
  /** How progress is written (`--log-format`): what a tool passes on to the tools it runs. */
  logFormat: LogFormat
  /** Words that make a property secret: the built-in ones and DISNIX_SECRET_PROPERTIES. */
  secretProperties: readonly string[]
}

/** The options a coordinator session reads; the session adds them to every tool that runs in it. */
export interface CoordinatorOptions {
  /** Plain prefixed lines even on a terminal. */
  verbose?: boolean
  logFormat?: LogFormat
}

interface OpenSession extends CoordinatorSession {
  reporter: ProgressReporter
  onSigint?: () => void
}

const TMPDIR = { name: 'TMPDIR', meaning: 'Directory for temporary files (default: /tmp)' }

/**
 * The session of every coordinator tool that reaches targets: progress on stderr (a live view on a
 * terminal, the original's prefixed lines otherwise or with --verbose, or the JSON event stream with
 * --log-format json) ending with a summary of what changed per target, TMPDIR, and Ctrl-C handling:
 * the first interrupt lets running activities finish and then rolls back; a second one ends the process.
 */
export const coordinatorSession: Session<CoordinatorSession, CoordinatorOptions> = {
  kind: 'coordinator',
  errorPrefix: '[coordinator]: ',
  options: [verboseOption(), logFormatOption()],
  environment: [TMPDIR, SECRET_PROPERTIES_HELP],
  exitStatuses: [{ status: 130, meaning: 'interrupted (Ctrl-C); the previous configuration is active and no target is left locked', codes: ['INTERRUPTED'] }],
  open: ({ opts, io, tool }) => openCoordinatorSession(io, tool, { format: opts.logFormat ?? 'human', plain: opts.verbose === true, interrupts: true }),
  close: closeCoordinatorSession,
}

/**
 * The session of disnix-diagnose, whose shell owns the terminal: plain lines only, and Ctrl-C belongs
 * to the shell (an interrupt ends the tool as it ends any program; there is nothing to roll back).
 */
export const coordinatorShellSession: Session<CoordinatorSession> = {
  kind: 'coordinator',
  errorPrefix: '[coordinator]: ',
  environment: [SECRET_PROPERTIES_HELP],
  open: ({ io, tool }) => openCoordinatorSession(io, tool, { format: 'human', plain: true, interrupts: false }),
  close: closeCoordinatorSession,
}

function openCoordinatorSession(io: ToolIo, tool: string, options: { format: LogFormat; plain: boolean; interrupts: boolean }): OpenSession {
  const reporter = createProgressReporter({ tool, stream: io.stderr as NodeJS.WriteStream, format: options.format, plain: options.plain })
  const controller = new AbortController()
  // The run's one signal is passed to every activity, request and wait of the run: as many listeners as
  // services in flight (Node's default warns on stderr past ten, which would break a JSON event stream).
  setMaxListeners(0, controller.signal)
  io.signal?.addEventListener('abort', () => controller.abort(), { once: true })
  let onSigint: (() => void) | undefined
  if (io.main && options.interrupts) {
    let interrupts = 0
    onSigint = () => {
      interrupts++
      if (interrupts > 1) process.exit(130)
      reporter.sink({ kind: 'message', text: 'Interrupted: letting running activities finish, then rolling back (press Ctrl-C again to abort at once)' })
      controller.abort()
    }
    process.on('SIGINT', onSigint)
  }
  const secretProperties = secretPropertyWords(io.env)
  return {
    context: {
      progress: reporter.sink,
      secretProperties,
      clientInterfaces: coordinatorInterfaces(io.env),
      tmpdir: tmpdirOf(io),
      // A live view or a JSON stream would be torn apart by the interfaces' own output; it is kept for error messages.
      interfaceStderr: reporter.exclusive ? undefined : io.stderr,
      signal: controller.signal,
    },
    progress: reporter.sink,
    user: userInfo().username,
    hostname: hostname(),
    logFormat: options.format,
    reporter,
    secretProperties,
    onSigint,
  }
}

function closeCoordinatorSession(session: CoordinatorSession, outcome: RunOutcome): boolean {
  const open = session as OpenSession
  if (open.onSigint) process.off('SIGINT', open.onSigint)
  return open.reporter.close(outcome)
}

/** What a coordinator tool that reaches no target works with. */
export interface CoordinatorLocalSession {
  /** The original's `[coordinator]: ` lines on stderr (or JSON events with --log-format json). */
  progress: ProgressSink
  /** Where temporary files go ($TMPDIR, else /tmp). */
  tmpdir: string
  /** The user whose coordinator profile is used (`whoami`). */
  user: string
  /** The local host name: the default target of mappings without one. */
  hostname: string
  /** How progress is written (`--log-format`): what a tool passes on to the tools it runs. */
  logFormat: LogFormat
  /** Words that make a property secret: the built-in ones and DISNIX_SECRET_PROPERTIES. */
  secretProperties: readonly string[]
}

/** The options the local session adds to every tool in it. */
export interface CoordinatorLocalOptions {
  logFormat?: LogFormat
}

interface OpenLocalSession extends CoordinatorLocalSession {
  reporter: ProgressReporter
}

/**
 * The session of the coordinator tools that reach no target (evaluating models, reading manifests,
 * running other tools): their messages carry the coordinator's prefix (or are JSON events), and
 * Ctrl-C simply ends them.
 */
export const coordinatorLocalSession: Session<CoordinatorLocalSession> = {
  kind: 'plain',
  errorPrefix: '[coordinator]: ',
  options: [logFormatOption()],
  environment: [SECRET_PROPERTIES_HELP],
  open: ({ opts, io, tool }) => {
    const format = (opts as CoordinatorLocalOptions).logFormat ?? 'human'
    const reporter = createProgressReporter({ tool, stream: io.stderr, format, plain: true })
    const session: OpenLocalSession = { progress: reporter.sink, tmpdir: tmpdirOf(io), user: userInfo().username, hostname: hostname(), logFormat: format, secretProperties: secretPropertyWords(io.env), reporter }
    return session
  },
  close: (session, outcome) => (session as OpenLocalSession).reporter.close(outcome),
}

function tmpdirOf(io: ToolIo): string {
  return io.env.TMPDIR || '/tmp'
}
