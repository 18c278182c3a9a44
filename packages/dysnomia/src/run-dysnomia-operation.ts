import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import type { Writable } from 'node:stream'
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
 */
export async function runModule(invocation: DysnomiaInvocation, stdio: ModuleStdio = {}): Promise<number> {
  if (isStream(stdio.stdout) || isStream(stdio.stderr)) return runModulePiped(invocation, stdio)
  return runModuleDirect(invocation, stdio)
}

/**
 * The hot path (every activity and lock notification of disnix-run-activity and disnix-service): the
 * module writes straight into inherited or given descriptors, so node:child_process suffices and a
 * call neither loads execa (a tenth of a second per process start) nor pays its per-spawn overhead.
 * As with the original's `dysnomia` script, a module keeps running when this process is killed.
 */
function runModuleDirect(invocation: DysnomiaInvocation, stdio: ModuleStdio): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(invocation.module, [invocation.operation, invocation.componentPath, invocation.containerArg], {
      env: invocation.env,
      stdio: [stdio.stdin ?? 'ignore', (stdio.stdout as DirectOutput | undefined) ?? 'inherit', (stdio.stderr as DirectOutput | undefined) ?? 'inherit'],
      signal: stdio.signal,
    })
    child.once('error', (error: NodeJS.ErrnoException) => {
      // A cancelled call ends with the module killed by SIGTERM, reported on 'close'.
      if (error.name === 'AbortError') return
      reject(new DisnixError('MODULE_NOT_EXECUTABLE', `Cannot execute module: ${invocation.module}: ${error.message}`, { cause: error }))
    })
    child.once('close', (code, signal) => {
      // A module that could not be started closes with -errno after its 'error'.
      if (code !== null && code < 0) return
      if (code !== null) resolve(code)
      else if (signal !== null) resolve(128 + (constants.signals[signal] ?? 0))
    })
  })
}

/** A caller's stream without a descriptor (a PassThrough): execa pipes the module's output into it. */
async function runModulePiped(invocation: DysnomiaInvocation, stdio: ModuleStdio): Promise<number> {
  const { execa } = await import('execa')
  const result = await execa(invocation.module, [invocation.operation, invocation.componentPath, invocation.containerArg], {
    env: invocation.env,
    extendEnv: false,
    stdin: stdio.stdin ?? 'ignore',
    stdout: streamOption(stdio.stdout),
    stderr: streamOption(stdio.stderr),
    cancelSignal: stdio.signal,
    reject: false,
    buffer: false,
  })
  if (result.exitCode !== undefined) return result.exitCode
  if (result.signal !== undefined) return 128 + (constants.signals[result.signal] ?? 0)
  throw new DisnixError('MODULE_NOT_EXECUTABLE', `Cannot execute module: ${invocation.module}: ${result.shortMessage}`, { cause: result })
}

type DirectOutput = 'inherit' | 'ignore' | number

function isStream(output: ModuleOutput | undefined): output is Writable {
  return typeof output === 'object'
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
