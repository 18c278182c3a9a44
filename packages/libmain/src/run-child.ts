import { spawn, type ChildProcess } from 'node:child_process'
import type { Writable } from 'node:stream'
import { childProcessError } from './child-process-error.js'
import { ChildProcessError } from './disnix-error.js'
import { redact } from './redact.js'
import { forwardStream } from './forward-stream.js'

/** Where a child's stdin comes from: nothing, ours, a pipe the caller fills (`attach`), or an open descriptor. */
export type ChildInput = 'ignore' | 'inherit' | 'pipe' | number

/**
 * Where a child's stdout or stderr goes: collected (`pipe`), ours, nowhere, an open descriptor (the
 * child writes into it itself), or a stream of the caller (collected too; the stream is left open).
 */
export type ChildOutput = 'pipe' | 'inherit' | 'ignore' | number | Writable

export interface RunChildOptions {
  /** Merged over this process's environment. */
  env?: NodeJS.ProcessEnv
  cwd?: string
  stdin?: ChildInput
  /** `stream`: a pipe that is not collected, for `attach` to read. */
  stdout?: ChildOutput | 'stream'
  stderr?: ChildOutput
  /** Aborting kills the child (SIGTERM). */
  signal?: AbortSignal
  /** Called once the child runs, to feed its stdin or read its stdout (`pipe` / `stream`). */
  attach?: (child: ChildProcess) => void
}

/** How a child ended; collected output as UTF-8 ('' for output that was not collected). */
export interface ChildRun {
  stdout: string
  stderr: string
  /** Its exit status, when it exited. */
  exitCode?: number
  /** The signal that killed it. */
  signal?: NodeJS.Signals
  /** It was killed because `signal` was aborted. */
  cancelled: boolean
  /** Why it could not be started (ENOENT, EACCES, ...). */
  spawnError?: NodeJS.ErrnoException
}

/**
 * Runs a program with an argument array (never a shell) and resolves when it has ended and its
 * output streams are closed; a failing child is an outcome, not a rejection. This is node:child_process
 * under a small contract instead of execa, whose module graph (a hundred and forty modules) costs
 * every process that loads it 60-200 ms: the tools on the path of every deployment (disnix-env,
 * disnix-manifest, the Nix calls of disnix-deploy and of the targets) start children only through here.
 */
export function runChild(file: string, args: readonly string[], options: RunChildOptions = {}): Promise<ChildRun> {
  return new Promise((resolve) => {
    const stdout = options.stdout ?? 'pipe'
    const stderr = options.stderr ?? 'pipe'
    const child = spawn(file, [...args], {
      env: options.env === undefined ? process.env : { ...process.env, ...options.env },
      cwd: options.cwd,
      stdio: [options.stdin ?? 'ignore', stdioOf(stdout), stdioOf(stderr)],
      signal: options.signal,
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    if (child.stdout && stdout !== 'stream') collect(child.stdout, out, stdout)
    if (child.stderr) collect(child.stderr, err, stderr)
    // A child that exits without reading all its input must not crash us with EPIPE: its exit
    // status tells what happened.
    child.stdin?.on('error', () => {})
    let spawnError: NodeJS.ErrnoException | undefined
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.name !== 'AbortError') spawnError = error
    })
    if (child.pid !== undefined) options.attach?.(child)
    child.once('close', (code, signal) => {
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode: code !== null && code >= 0 && spawnError === undefined ? code : undefined,
        signal: signal ?? undefined,
        cancelled: options.signal?.aborted === true && spawnError === undefined,
        spawnError,
      })
    })
  })
}

export interface ChildFailureOptions {
  /** What the command did, for the message: "[target: test1]: importing closure". */
  step?: string
  /** Values that must never appear in the message. */
  secrets?: readonly string[]
}

/**
 * The ChildProcessError of a child that did not exit with status 0 (undefined when it did), worded as
 * runCommand words an execa failure (childProcessError): `<step>: failed (exit status N)` with the
 * last lines of its collected stderr, or COMMAND_NOT_FOUND when the program does not exist.
 */
export function childFailure(run: ChildRun, file: string, args: readonly string[], options: ChildFailureOptions = {}): ChildProcessError | undefined {
  if (run.exitCode === 0) return undefined
  const step = options.step ?? `${file} ${args.join(' ')}`
  if (run.spawnError !== undefined && run.spawnError.code !== 'ENOENT') {
    // Started but not executable (EACCES, ...): the reason is the status.
    const message = redact(`${step}: failed (cannot execute ${file}: ${run.spawnError.message})`, options.secrets ?? [])
    return new ChildProcessError('COMMAND_FAILED', message, { step, cause: run.spawnError })
  }
  return childProcessError(
    { exitStatus: run.exitCode, signal: run.signal, cancelled: run.cancelled, notFound: run.spawnError?.code === 'ENOENT', stderr: run.stderr },
    { step, programKind: file, colon: true, secrets: options.secrets, cause: run.spawnError },
  )
}

function stdioOf(output: ChildOutput | 'stream'): 'pipe' | 'inherit' | 'ignore' | number {
  if (output === 'stream' || typeof output === 'object') return 'pipe'
  return output
}

function collect(stream: NodeJS.ReadableStream, chunks: Buffer[], output: ChildOutput): void {
  if (output !== 'pipe' && typeof output !== 'object') return
  stream.on('data', (chunk: Buffer) => chunks.push(chunk))
  if (typeof output === 'object') stream.pipe(forwardStream(output))
}
