import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import type { Readable, Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { DisnixError, forwardStream } from '@disnix-ts/libmain'
import { prepareDysnomiaInvocation, type DysnomiaInvocation, type DysnomiaRequest } from './prepare-dysnomia-invocation.js'

/**
 * Where a module's standard streams go: inherited, discarded, an open file descriptor of the caller
 * (a job log: the module writes into it directly), or a stream of the caller.
 */
export type ModuleOutput = 'inherit' | 'ignore' | number | Writable

export interface ModuleStdio {
  stdin?: 'inherit' | 'ignore'
  stdout?: ModuleOutput
  stderr?: ModuleOutput
  signal?: AbortSignal
}

export type RunDysnomiaOperationOptions = DysnomiaRequest & ModuleStdio

/**
 * What `dysnomia --operation OP ...` does, in-process: resolves the container, component and module
 * and runs `MODULE OP COMPONENT CONTAINER`. Returns the module's exit status (128 + signal number
 * when it was killed). Resolution problems are DisnixErrors; nothing has run then.
 */
export async function runDysnomiaOperation(options: RunDysnomiaOperationOptions): Promise<number> {
  const invocation = await prepareDysnomiaInvocation(options)
  return runModule(invocation, options)
}

/**
 * Runs a prepared module call with exactly its environment. QUIRK §1.3/B.1-2: the original pipes the
 * call through `xargs env`, which re-splits values with spaces and turns any failure into 123; we pass
 * each value intact and return the module's own exit status.
 *
 * This is the hot path (every activity and lock notification of disnix-run-activity and
 * disnix-service), so it uses node:child_process, not execa: execa costs a tenth of a second to load
 * and several milliseconds of this process's CPU per call. The module writes straight into inherited
 * or given descriptors; a caller's stream is piped into through a forwarder and stays open for what
 * follows (the next module call, the tool's own message), and the call settles only once all of the
 * module's output has been handed to it. As with the original's `dysnomia` script, a module keeps
 * running when this process is killed.
 */
export function runModule(invocation: DysnomiaInvocation, stdio: ModuleStdio = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(invocation.module, [invocation.operation, invocation.componentPath, invocation.containerArg], {
      env: invocation.env,
      stdio: [stdio.stdin ?? 'ignore', childStdio(stdio.stdout), childStdio(stdio.stderr)],
      signal: stdio.signal,
    })
    // The module's output has reached the caller's streams once they have finished.
    const delivered = [deliver(child.stdout, stdio.stdout), deliver(child.stderr, stdio.stderr)]
    child.once('error', (error: NodeJS.ErrnoException) => {
      // A cancelled call ends with the module killed by SIGTERM, reported on 'close'.
      if (error.name === 'AbortError') return
      reject(moduleNotExecutable(invocation.module, error))
    })
    child.once('close', (code, signal) => {
      // A module that could not be started closes with -errno after its 'error'.
      if (code !== null && code < 0) return
      const status = moduleExitStatus(code, signal)
      void Promise.all(delivered).then(() => resolve(status))
    })
  })
}

/** The error of a module that could not be started (spawn failed): what `dysnomia` reports. */
export function moduleNotExecutable(module: string, error: Error): DisnixError {
  return new DisnixError('MODULE_NOT_EXECUTABLE', `Cannot execute module: ${module}: ${error.message}`, { cause: error })
}

/** A module's exit status: its code, or 128 + the number of the signal that killed it. */
export function moduleExitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  return code !== null ? code : 128 + (constants.signals[signal as NodeJS.Signals] ?? 0)
}

function isStream(output: ModuleOutput | undefined): output is Writable {
  return typeof output === 'object'
}

function childStdio(output: ModuleOutput | undefined): 'inherit' | 'ignore' | 'pipe' | number {
  if (isStream(output)) return 'pipe'
  return output ?? 'inherit'
}

/**
 * Pipes a module's output into the caller's stream without ending it; settles when all of it has been
 * written to that stream.
 */
function deliver(source: Readable | null, output: ModuleOutput | undefined): Promise<void> {
  if (source === null || !isStream(output)) return Promise.resolve()
  const forwarder = forwardStream(output)
  source.pipe(forwarder)
  // A destination that fails is the caller's problem to see; the module's status is still ours to report.
  return finished(forwarder).catch(() => {})
}

/**
 * A caller's stream may have no file descriptor (a PassThrough); execa then pipes into it, through a
 * forwarder of its own, because execa ends the streams it pipes into and the caller's stream must stay
 * open for what follows (the next module call, the tool's own message).
 */
export function streamOption(output: ModuleOutput | undefined): 'inherit' | 'ignore' | 1 | ['pipe', Writable] {
  // execa takes any open descriptor at run time; its types only name the standard ones.
  if (typeof output === 'number') return output as 1
  if (output === undefined || output === 'inherit' || output === 'ignore') return output ?? 'inherit'
  return ['pipe', forwardStream(output)]
}
