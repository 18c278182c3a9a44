import { randomBytes } from 'node:crypto'
import { writeSync } from 'node:fs'
import { open, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { childProcessError, isDisnixError } from '@disnix-ts/libmain'
import type { DysnomiaInvocation, ModuleBatch } from '@disnix-ts/dysnomia'
import { dysnomiaInvocations, moduleFailure, runDysnomia, type DysnomiaOutput } from './run-dysnomia.js'
import type { TargetContext, TargetOutput } from './target-context.js'

/**
 * How many lock/unlock notifications of one profile run at once. Each is a module process that
 * usually returns at once; running a few together hides their start-up latency (a profile of 500
 * services is notified twice per deployment).
 */
export const NOTIFY_CONCURRENCY = 4

/** A service as profile locking notifies it: its package, the module handling it, its container. */
export interface NotifiedService {
  pkg: string
  type: string
  container: string
}

/** What happened to one notification; `failed` is the DisnixError of a refusing or failing module. */
export interface Notification {
  service: NotifiedService
  failed?: unknown
}

export interface NotifyOptions {
  /** Log `Notifying <op> on <pkg>: of type: <type> in container: <c>` before each service's output. */
  announce: boolean
  /** After the first failure (in service order) start no further notifications. */
  stopAtFailure: boolean
  /** Called right after the first failing service's output, before any later service's. */
  onFailure?: (service: NotifiedService) => Promise<unknown> | void
  concurrency?: number
}

/**
 * Sends `dysnomia --operation lock|unlock` to every service, up to `concurrency` at once, and returns
 * the outcomes in service order. The output is exactly what notifying them one after the other
 * gives: each service's announcement and module output are written in service order (the output of
 * a notification that runs alongside others is held until its turn), so a job log reads as the
 * original's. With `stopAtFailure`, notifications already running when a
 * failure is seen finish and are reported; none are started after it.
 *
 * Consecutive services handled by a module that batches the operation (`# dysnomia-batch: lock
 * unlock`, dysnomia's module-batch) in the same container are notified in one run of it: one module
 * process instead of one per service, with each service's announcement still right before its own
 * output. A refused lock in a batch ends it at that service, as it would end the one-by-one run.
 */
export async function notifyServices(
  ctx: TargetContext,
  operation: 'lock' | 'unlock',
  services: readonly NotifiedService[],
  options: NotifyOptions,
): Promise<Notification[]> {
  const units = await notificationUnits(ctx, operation, services)
  const concurrency = Math.max(1, Math.min(options.concurrency ?? NOTIFY_CONCURRENCY, units.length))
  const announce = async (service: NotifiedService) => {
    if (options.announce) await ctx.log(`Notifying ${operation} on ${service.pkg}: of type: ${service.type} in container: ${service.container}`)
  }
  const notify = (unit: Unit, output?: DysnomiaOutput) => {
    const service = unit.services[0]!
    return runDysnomia(
      ctx,
      { operation, type: service.type, component: service.pkg, container: service.container, step: `dysnomia --operation ${operation} of ${service.pkg}` },
      output,
      unit.invocation,
    ).then(
      () => undefined,
      (error: unknown) => {
        if (!isDisnixError(error)) throw error
        return error as unknown
      },
    )
  }

  const outcomes: Notification[] = []
  let stopped = false
  /** Announces each service of a unit, writes its held output and records it; stops at a failure. */
  const report = async (results: UnitResult): Promise<void> => {
    for (const { service, failed, flush } of results) {
      await announce(service)
      flush?.()
      outcomes.push({ service, failed })
      if (failed !== undefined && options.stopAtFailure) {
        // A batch stops at a refusal: the services after it in the batch were not notified.
        if (!stopped) await options.onFailure?.(service)
        stopped = true
        return
      }
    }
  }

  if (concurrency === 1) {
    for (const unit of units) {
      if (stopped) break
      if (unit.batch) {
        await report(await runBatch(ctx, unit.batch, unit.services))
        continue
      }
      // One at a time: the module writes straight into the context's output.
      const service = unit.services[0]!
      await announce(service)
      const failed = await notify(unit)
      outcomes.push({ service, failed })
      if (failed !== undefined && options.stopAtFailure) {
        await options.onFailure?.(service)
        stopped = true
      }
    }
    return outcomes
  }

  const running: Promise<UnitResult>[] = []
  let next = 0
  const launch = () => {
    while (!stopped && next < units.length && running.length < concurrency) {
      const unit = units[next++] as Unit
      if (unit.batch) running.push(runBatch(ctx, unit.batch, unit.services))
      else {
        const service = unit.services[0]!
        running.push(runCaptured(ctx, (output) => notify(unit, output)).then((captured) => [{ service, failed: captured.failed, flush: captured.flush }]))
      }
    }
  }
  launch()
  try {
    while (running.length > 0) {
      const done = await (running[0] as Promise<UnitResult>)
      running.shift()
      // Those that were running when a failure stopped the others finish and are reported too.
      await report(done)
      launch()
    }
  } finally {
    // A programming error above leaves notifications running: let them end before reporting it.
    await Promise.allSettled(running)
  }
  return outcomes
}

/** Services notified together: one, or a batch for one run of a module that batches the operation. */
interface Unit {
  services: NotifiedService[]
  batch?: ModuleBatch & { components: string[] }
  /** A single service's module invocation, resolved while grouping (not resolved again to run it). */
  invocation?: DysnomiaInvocation
}

/** The outcome of each service of a unit, with its output (held until its turn). */
type UnitResult = Array<{ service: NotifiedService; failed: unknown; flush?: () => void }>

/**
 * The services in units: maximal runs of consecutive services whose module batches the operation in
 * the same container with the same environment, and every other service on its own. A service whose
 * module cannot be resolved is on its own (its notification reports that, as always).
 */
async function notificationUnits(ctx: TargetContext, operation: 'lock' | 'unlock', services: readonly NotifiedService[]): Promise<Unit[]> {
  const single = (service: NotifiedService, invocation?: DysnomiaInvocation): Unit => ({ services: [service], invocation })
  if (services.length < 2) return services.map((service) => single(service))
  const { moduleBatchOperations } = await import('@disnix-ts/dysnomia')
  const batches = new Map<string, Promise<ReadonlySet<string>>>()
  const units: Unit[] = []
  // Resolved all at once (file system lookups), then grouped in order.
  const invocations = await dysnomiaInvocations(
    ctx,
    services.map((service) => ({ operation, type: service.type, component: service.pkg, container: service.container })),
  )
  for (const [index, service] of services.entries()) {
    const invocation = invocations[index]
    if (invocation === undefined || invocation instanceof Error) {
      units.push(single(service))
      continue
    }
    let declared = batches.get(invocation.module)
    if (declared === undefined) batches.set(invocation.module, (declared = moduleBatchOperations(invocation.module)))
    if (!(await declared).has(operation)) {
      units.push(single(service, invocation))
      continue
    }
    const last = units.at(-1)
    const batch = last?.batch
    if (batch && batch.module === invocation.module && batch.containerArg === invocation.containerArg && sameEnv(batch.env, invocation.env)) {
      last!.services.push(service)
      batch.components.push(invocation.componentPath)
    } else {
      units.push({ services: [service], invocation, batch: { module: invocation.module, operation, components: [invocation.componentPath], containerArg: invocation.containerArg, env: invocation.env } })
    }
  }
  // A batch of one is an ordinary notification.
  return units.map((unit) => (unit.batch && unit.services.length === 1 ? single(unit.services[0]!, unit.invocation) : unit))
}

function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key])
}

/**
 * One run of a batching module for a unit's services: each service's output is its segment of the
 * module's stdout; a failing run fails the service it had reached (a refused lock stops there, so
 * the services after it were not notified and get no outcome when the caller stops at the failure).
 */
async function runBatch(ctx: TargetContext, batch: ModuleBatch, services: readonly NotifiedService[]): Promise<UnitResult> {
  const { runModuleBatch } = await import('@disnix-ts/dysnomia')
  let started = true
  const outcome = await runModuleBatch(batch, ctx.signal).catch((error: unknown) => {
    if (!isDisnixError(error)) throw error
    // A module that cannot be started fails the first service, as runDysnomia reports it (status 1).
    started = false
    return { status: 1, segments: [], preamble: Buffer.alloc(0), stderr: Buffer.from(`${error.message}\n`) }
  })
  const reached = outcome.segments.length
  // The service the module was at when it failed: the last one it reached (the first when none).
  const failedAt = outcome.status === 0 ? -1 : Math.max(0, reached - 1)
  return services.map((service, index) => {
    const segment = outcome.segments[index]?.stdout
    const isFailed = index === failedAt
    const failed = isFailed
      ? childProcessError({ exitStatus: outcome.status }, { step: `dysnomia --operation ${batch.operation} of ${service.pkg}` })
      : outcome.status !== 0 && batch.operation === 'lock' && index > failedAt
        ? childProcessError({ exitStatus: outcome.status }, { step: `dysnomia --operation ${batch.operation} of ${service.pkg} (not notified: an earlier service refused)` })
        : undefined
    return {
      service,
      failed,
      flush: () => {
        if (index === 0) copyTo(ctx.stdout, outcome.preamble, 'stdout')
        if (segment) copyTo(ctx.stdout, segment, 'stdout')
        // The module's stderr goes with the service it failed at, else with the last one.
        if (index === (failedAt === -1 ? services.length - 1 : failedAt)) copyTo(ctx.stderr, outcome.stderr, 'stderr')
        if (isFailed && started) copyTo(ctx.stderr, Buffer.from(moduleFailure({ module: batch.module, operation: batch.operation, componentPath: batch.components[index]! }, outcome.status)), 'stderr')
      },
    }
  })
}

interface Captured {
  service: NotifiedService
  failed: unknown
  /** Writes the held output to the context's stdout and stderr. */
  flush: () => void
}

/**
 * Runs `work` with its stdout and stderr held until its turn: in memory, or, when the context sends
 * both to one descriptor or stream (the daemon's job log), in one unlinked temp file that the module
 * writes into directly, so the interleaving of the two is exactly the module's.
 */
async function runCaptured(ctx: TargetContext, work: (output: DysnomiaOutput) => Promise<unknown>): Promise<Omit<Captured, 'service'>> {
  if (ctx.stdout === ctx.stderr && ctx.stdout !== 'inherit') return runCapturedInFile(ctx, work)
  const stdout = memoryStream()
  const stderr = memoryStream()
  const failed = await work({ stdout: stdout.stream, stderr: stderr.stream })
  return {
    failed,
    flush: () => {
      copyTo(ctx.stdout, stdout.data(), 'stdout')
      copyTo(ctx.stderr, stderr.data(), 'stderr')
    },
  }
}

async function runCapturedInFile(ctx: TargetContext, work: (output: DysnomiaOutput) => Promise<unknown>): Promise<Omit<Captured, 'service'>> {
  const file = await anonymousFile(ctx.tmpdir)
  try {
    const failed = await work({ stdout: file.fd, stderr: file.fd })
    const data = await readAll(file)
    return { failed, flush: () => copyTo(ctx.stdout, data, 'stdout') }
  } finally {
    await file.close()
  }
}

/** A stream that keeps what is written to it (the module's pipe leaves it open). */
function memoryStream(): { stream: Writable; data: () => Buffer } {
  const chunks: Buffer[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk)
      callback()
    },
  })
  return { stream, data: () => Buffer.concat(chunks) }
}

/** A file that is gone from the file system as soon as it is open: nothing is left behind. */
async function anonymousFile(dir: string): Promise<FileHandle> {
  const path = join(dir, `disnix-notify-${process.pid}-${randomBytes(6).toString('hex')}`)
  const handle = await open(path, 'wx+', 0o600)
  await unlink(path)
  return handle
}

/** The whole file from its start (the module moved the shared offset to its end). */
async function readAll(handle: FileHandle): Promise<Buffer> {
  const { size } = await handle.stat()
  const data = Buffer.alloc(size)
  let read = 0
  while (read < size) {
    const { bytesRead } = await handle.read(data, read, size - read, read)
    if (bytesRead === 0) break
    read += bytesRead
  }
  return data.subarray(0, read)
}

function copyTo(destination: TargetOutput, data: Buffer, stream: 'stdout' | 'stderr'): void {
  if (data.length === 0) return
  if (destination === 'inherit') {
    ;(stream === 'stdout' ? process.stdout : process.stderr).write(data)
    return
  }
  if (typeof destination === 'object') {
    destination.write(data)
    return
  }
  for (let written = 0; written < data.length; ) written += writeSync(destination, data, written)
}
