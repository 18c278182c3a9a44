import { lstat, unlink } from 'node:fs/promises'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { DisnixError, hasErrorCode, isDisnixError } from '@disnix-ts/libmain'
import { executeTargetRequest, withDefaultProfile } from './execute-target-request.js'
import { firstJobId, openJobLog } from './job-log.js'
import { parseServiceRequest, type ServiceReply } from './service-protocol.js'
import { restrictSocket, type SocketAccess } from './socket-access.js'
import type { TargetContext } from './target-context.js'
import { jobLogHeader, type TargetRequest, type TargetResult } from './target-request.js'

export const DEFAULT_SOCKET_PATH = '/run/disnix/service.sock'
export const DEFAULT_LOG_DIR = '/var/log/disnix'

export interface DisnixServiceOptions {
  socketPath: string
  logDir: string
  /** Group that may use the socket (mode 0660); without it only the owner may (0600). */
  group: string
  /** Where the jobs run: TMPDIR, profile dir, host name, the children's environment. */
  target: Pick<TargetContext, 'tmpdir' | 'profileDir' | 'hostname' | 'env'>
  /** The service's general log (startup, job ids). */
  log: (line: string) => void
  /** The group file to look the group up in (tests). */
  groupFile?: string
}

export interface DisnixService {
  socketPath: string
  access: SocketAccess
  /** Stops accepting calls, waits for running jobs, removes the socket. */
  close(): Promise<void>
}

/**
 * Starts the target daemon (ARCHITECTURE.md §4): one job per call, with its id from a counter that
 * continues the log dir's numbering (spec §4.3), its output in `<logDir>/<id>`, and lock, unlock
 * and set serialised per profile.
 */
export async function startDisnixService(options: DisnixServiceOptions): Promise<DisnixService> {
  await prepareSocketPath(options.socketPath)
  let nextJobId = await firstJobId(options.logDir)
  const running = new Set<Promise<void>>()
  const profileQueues = new Map<string, Promise<unknown>>()

  const serialise = <T>(profile: string, work: () => Promise<T>): Promise<T> => {
    const previous = profileQueues.get(profile) ?? Promise.resolve()
    const next = previous.then(work, work)
    profileQueues.set(
      profile,
      next.catch(() => undefined),
    )
    return next
  }

  const runJob = async (socket: Socket, request: TargetRequest): Promise<void> => {
    const jobId = nextJobId++
    options.log(`Assigned job id: ${jobId}`)
    const logFile = join(options.logDir, String(jobId))
    let handle
    try {
      handle = await openJobLog(options.logDir, jobId)
    } catch (error) {
      options.log(`Cannot write logfile for job id: ${jobId}`)
      reply(socket, { type: 'failure', jobId, message: `Cannot write logfile for job id: ${jobId}: ${(error as Error).message}`, logFile })
      return
    }
    try {
      const jobLog = handle
      let writes: Promise<unknown> = jobLog.write(`${jobLogHeader(request)}\n`)
      const write = (line: string) => {
        writes = writes.then(() => jobLog.write(`${line}\n`))
        return writes
      }
      await writes
      reply(socket, { type: 'job', jobId, logFile })
      const ctx: TargetContext = {
        ...options.target,
        stdout: jobLog.fd,
        stderr: jobLog.fd,
        log: (line) => write(line),
      }
      const execute = () => executeTargetRequest(request, ctx)
      const profile = 'profile' in request && (request.op === 'lock' || request.op === 'unlock' || request.op === 'set') ? request.profile : undefined
      let result: TargetResult
      try {
        result = await (profile === undefined ? execute() : serialise(profile, execute))
      } catch (error) {
        if (!isDisnixError(error)) throw error
        await write(error.message)
        reply(socket, { type: 'failure', jobId, message: error.message, logFile })
        return
      }
      await writes
      reply(socket, finalReply(jobId, result))
    } finally {
      await handle.close()
    }
  }

  const handleConnection = (socket: Socket) => {
    socket.setEncoding('utf8')
    let buffer = ''
    let started = false
    socket.on('error', () => undefined)
    socket.on('data', (chunk: string) => {
      if (started) return
      buffer += chunk
      const end = buffer.indexOf('\n')
      if (end < 0) return
      started = true
      const job = serve(socket, buffer.slice(0, end)).finally(() => {
        socket.end()
        running.delete(job)
      })
      running.add(job)
    })
  }

  const serve = async (socket: Socket, line: string): Promise<void> => {
    let request
    try {
      request = parseServiceRequest(line)
    } catch (error) {
      if (!isDisnixError(error)) throw error
      reply(socket, { type: 'error', message: error.message })
      return
    }
    if (request.op === 'get-logdir') {
      reply(socket, { type: 'logdir', logDir: options.logDir })
      return
    }
    try {
      request = withDefaultProfile(request, options.target.env)
    } catch (error) {
      if (!isDisnixError(error)) throw error
      reply(socket, { type: 'error', message: error.message })
      return
    }
    try {
      await runJob(socket, request)
    } catch (error) {
      options.log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      reply(socket, { type: 'error', message: `internal error of disnix-service: ${error instanceof Error ? error.message : String(error)}` })
    }
  }

  const server = createServer(handleConnection)
  await listen(server, options.socketPath)
  const access = await restrictSocket(options.socketPath, options.group, options.groupFile)
  options.log(
    access.mode === 0o660
      ? `Listening on ${options.socketPath} (mode 0660, group ${access.group})`
      : `Listening on ${options.socketPath} (mode 0600: only its owner can deploy, because ${access.reason}; create the group and restart to let its members deploy)`,
  )

  return {
    socketPath: options.socketPath,
    access,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await Promise.allSettled([...running])
      await unlink(options.socketPath).catch(() => undefined)
    },
  }
}

function finalReply(jobId: number, result: TargetResult): ServiceReply {
  switch (result.kind) {
    case 'done':
      return { type: 'finish', jobId }
    case 'lines':
      return { type: 'success', jobId, lines: result.lines }
    case 'text':
      return { type: 'success', jobId, lines: [result.text] }
    case 'tempfile':
      return { type: 'success', jobId, lines: [result.path] }
  }
}

function reply(socket: Socket, message: ServiceReply): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`)
}

/** Creates the socket's dir and removes a stale socket; refuses when a service already listens. */
async function prepareSocketPath(socketPath: string): Promise<void> {
  await mkdir(dirname(socketPath), { recursive: true, mode: 0o755 })
  let stats
  try {
    stats = await lstat(socketPath)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return
    throw error
  }
  if (!stats.isSocket()) throw new DisnixError('SOCKET_PATH_TAKEN', `Cannot listen on ${socketPath}: it exists and is not a socket`)
  if (await isListening(socketPath)) {
    throw new DisnixError('SERVICE_RUNNING', `Cannot listen on ${socketPath}: another disnix-service is running there`)
  }
  await unlink(socketPath)
}

function isListening(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(socketPath)
    probe.once('connect', () => {
      probe.destroy()
      resolve(true)
    })
    probe.once('error', () => resolve(false))
  })
}

/** Listens with a umask that keeps the socket private until its mode and group are set. */
function listen(server: Server, socketPath: string): Promise<void> {
  const previous = process.umask(0o177)
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(socketPath, () => {
      server.off('error', reject)
      resolve()
    })
  }).finally(() => process.umask(previous))
}
