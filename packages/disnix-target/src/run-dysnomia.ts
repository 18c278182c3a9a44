import { writeSync } from 'node:fs'
import { userInfo } from 'node:os'
import { childProcessError, isDisnixError } from '@disnix-ts/libmain'
import type { DysnomiaInvocation } from '@disnix-ts/dysnomia'
import type { TargetContext, TargetOutput } from './target-context.js'

/** One `dysnomia --type T --operation OP --component C --container N --environment` call. */
export interface DysnomiaCall {
  operation: string
  type: string
  component: string
  container: string
  /** Extra variables for this call only (an activity's container properties). */
  env?: NodeJS.ProcessEnv
  /** What the call does, for the failure message: "dysnomia --operation activate of /nix/store/...". */
  step: string
}

/** Where the module's output goes: the context's stdio, or descriptors of a caller (captured output). */
export interface DysnomiaOutput {
  stdout: TargetOutput
  stderr: TargetOutput
}

/**
 * Runs Dysnomia in this process, spawning only the module: what the `dysnomia` executable does with
 * the same arguments and environment, without starting a Node process per call (ARCHITECTURE.md §5).
 * The observable contract is the executable's: the module gets the same environment (the caller's plus
 * `env`, PATH and DYSNOMIA_STATEDIR computed from the same HOME and uid), the same stdio, and a problem
 * prints the same message on stderr. A failure is the ChildProcessError a failed `dysnomia` child
 * gives: `<step> failed (exit status N)` carrying N. `prepared`: the call's module invocation, when the
 * caller resolved it already (dysnomiaInvocation).
 */
export async function runDysnomia(ctx: TargetContext, call: DysnomiaCall, output: DysnomiaOutput = ctx, prepared?: DysnomiaInvocation): Promise<void> {
  const { runModule } = await import('@disnix-ts/dysnomia')
  let status: number
  try {
    const invocation = prepared ?? (await dysnomiaInvocation(ctx, call))
    status = await runModule(invocation, { stdin: 'ignore', stdout: output.stdout, stderr: output.stderr, signal: ctx.signal })
    if (status !== 0) writeTo(output.stderr, moduleFailure(invocation, status))
  } catch (error) {
    if (!isDisnixError(error)) throw error
    // As the dysnomia executable reports a usage or resolution problem (no prefix, exit status 1).
    writeTo(output.stderr, `${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`)
    status = 1
  }
  if (ctx.signal?.aborted) throw childProcessError({ signal: 'SIGTERM' }, { step: call.step })
  if (status !== 0) throw childProcessError({ exitStatus: status }, { step: call.step })
}

/**
 * The module call that `dysnomia` would make for `call`: the environment computed as the executable
 * computes it (the caller's plus `call.env`, PATH and DYSNOMIA_STATEDIR). A resolution problem (no
 * module, no component) is a DisnixError.
 */
export async function dysnomiaInvocation(ctx: TargetContext, call: Omit<DysnomiaCall, 'step'>): Promise<DysnomiaInvocation> {
  const { prepareDysnomiaInvocation } = await import('@disnix-ts/dysnomia')
  return prepareDysnomiaInvocation({ ...(await environmentRequest(ctx, call.env)), operation: call.operation, component: call.component, container: call.container, type: call.type })
}

/**
 * The module calls of several calls without extra variables (a profile's notifications): as
 * {@link dysnomiaInvocation} each, with the environment computed once and each module type looked up
 * once. Each is its call's invocation or the DisnixError resolving it raised.
 */
export async function dysnomiaInvocations(ctx: TargetContext, calls: ReadonlyArray<Omit<DysnomiaCall, 'step' | 'env'>>): Promise<Array<DysnomiaInvocation | Error>> {
  const { prepareDysnomiaInvocation, invocationCache } = await import('@disnix-ts/dysnomia')
  const shared = await environmentRequest(ctx, undefined)
  const cache = invocationCache()
  return Promise.all(
    calls.map((call) =>
      prepareDysnomiaInvocation({ ...shared, operation: call.operation, component: call.component, container: call.container, type: call.type }, cache).catch((error: unknown) => {
        if (!isDisnixError(error)) throw error
        return error as Error
      }),
    ),
  )
}

/**
 * What every in-process `dysnomia --environment` call of a target context shares: the caller's
 * environment plus the call's, and the paths and state directory the executable would read from it.
 */
async function environmentRequest(ctx: TargetContext, extra: NodeJS.ProcessEnv | undefined) {
  const { requestSettings } = await import('@disnix-ts/dysnomia')
  const env = { ...ctx.env, ...extra }
  return { environment: true, ...requestSettings(env, { uid: process.getuid?.() ?? -1, home: childHomedir(env) }) }
}

/** The line `dysnomia` prints on stderr when a module fails. */
export function moduleFailure(invocation: Pick<DysnomiaInvocation, 'module' | 'operation' | 'componentPath'>, status: number): string {
  return `ERROR: Module: ${invocation.module} failed to execute operation: ${invocation.operation} on component: ${invocation.componentPath} (exit status ${status})\n`
}

/** One `dysnomia --operation check` call: a {@link DysnomiaCall} without operation and step. */
export interface DysnomiaCheckCall {
  type: string
  component: string
  container: string
  env?: NodeJS.ProcessEnv
  timeoutMs?: number
}

/**
 * `dysnomia --operation check` in this process, with the module's output captured and interpreted
 * (Dysnomia's checkComponent). A problem resolving the module (no module, no container) is the
 * DisnixError it raises; the module's own outcome is always a result.
 */
export async function runDysnomiaCheck(ctx: TargetContext, call: DysnomiaCheckCall): Promise<{ status: 'healthy' | 'failing' | 'unknown'; reason: string }> {
  const { checkComponent } = await import('@disnix-ts/dysnomia')
  return checkComponent({
    ...(await environmentRequest(ctx, call.env)),
    component: call.component,
    container: call.container,
    type: call.type,
    timeoutMs: call.timeoutMs,
    signal: ctx.signal,
  })
}

/**
 * The home directory a `dysnomia` child would see (os.homedir() in that process): its HOME when set,
 * even when empty, else the password database's entry.
 */
function childHomedir(env: NodeJS.ProcessEnv): string {
  return env.HOME ?? userInfo().homedir
}

function writeTo(destination: TargetOutput, text: string): void {
  if (destination === 'inherit') process.stderr.write(text)
  else if (typeof destination === 'number') writeSync(destination, text)
  else destination.write(text)
}
