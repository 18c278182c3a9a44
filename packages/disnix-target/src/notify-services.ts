import { randomBytes } from 'node:crypto'
import { writeSync } from 'node:fs'
import { open, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { isDisnixError } from '@disnix-ts/libmain'
import { runDysnomia, type DysnomiaOutput } from './run-dysnomia.js'
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
 */
export async function notifyServices(
  ctx: TargetContext,
  operation: 'lock' | 'unlock',
  services: readonly NotifiedService[],
  options: NotifyOptions,
): Promise<Notification[]> {
  const concurrency = Math.max(1, Math.min(options.concurrency ?? NOTIFY_CONCURRENCY, services.length))
  const announce = async (service: NotifiedService) => {
    if (options.announce) await ctx.log(`Notifying ${operation} on ${service.pkg}: of type: ${service.type} in container: ${service.container}`)
  }
  const notify = (service: NotifiedService, output?: DysnomiaOutput) =>
    runDysnomia(
      ctx,
      { operation, type: service.type, component: service.pkg, container: service.container, step: `dysnomia --operation ${operation} of ${service.pkg}` },
      output,
    ).then(
      () => undefined,
      (error: unknown) => {
        if (!isDisnixError(error)) throw error
        return error as unknown
      },
    )

  const outcomes: Notification[] = []
  if (concurrency === 1) {
    for (const service of services) {
      await announce(service)
      const failed = await notify(service)
      outcomes.push({ service, failed })
      if (failed !== undefined && options.stopAtFailure) {
        await options.onFailure?.(service)
        break
      }
    }
    return outcomes
  }

  const running: Promise<Captured>[] = []
  let next = 0
  let stopped = false
  const launch = () => {
    while (!stopped && next < services.length && running.length < concurrency) {
      const service = services[next++] as NotifiedService
      running.push(runCaptured(ctx, (output) => notify(service, output)).then((captured) => ({ ...captured, service })))
    }
  }
  launch()
  try {
    while (running.length > 0) {
      const done = await (running[0] as Promise<Captured>)
      running.shift()
      await announce(done.service)
      done.flush()
      outcomes.push({ service: done.service, failed: done.failed })
      if (done.failed !== undefined && options.stopAtFailure && !stopped) {
        stopped = true
        await options.onFailure?.(done.service)
      }
      launch()
    }
  } finally {
    // A programming error above leaves notifications running: let them end before reporting it.
    await Promise.allSettled(running)
  }
  return outcomes
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
