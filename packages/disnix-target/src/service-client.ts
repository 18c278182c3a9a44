import { createConnection } from 'node:net'
import { DisnixError } from '@disnix-ts/libmain'
import type { ServiceReply } from './service-protocol.js'
import type { TargetRequest } from './target-request.js'

export const NOT_IN_GROUP_HINT = 'ask an administrator to add you to the disnix group (usermod -a -G disnix USER), then log in again'

/** The final answer to a call: finished, or succeeded with lines; failures are thrown. */
export type ServiceOutcome = { type: 'finish'; jobId: number } | { type: 'success'; jobId: number; lines: string[] }

/** Thrown when the service ran the job and it failed; carries where its log is. */
export class JobFailedError extends DisnixError {
  readonly jobId: number
  readonly logFile: string

  constructor(jobId: number, logFile: string, message: string) {
    super('JOB_FAILED', message)
    this.jobId = jobId
    this.logFile = logFile
  }
}

/**
 * Sends one request to disnix-service and waits for its outcome. An unreachable socket, a refused
 * connection (not in the group) and a failed job each become one DisnixError.
 */
export async function callDisnixService(socketPath: string, request: TargetRequest, options: { signal?: AbortSignal } = {}): Promise<ServiceOutcome> {
  const replies = await exchange(socketPath, request, options.signal)
  const final = replies.find((r) => r.type !== 'job' && r.type !== 'logdir')
  if (final === undefined) throw new DisnixError('SERVICE_FAILED', `The Disnix service at ${socketPath} closed the connection without an answer`)
  switch (final.type) {
    case 'finish':
    case 'success':
      return final
    case 'failure':
      throw new JobFailedError(final.jobId, final.logFile, final.message)
    case 'error':
      throw new DisnixError('SERVICE_ERROR', final.message)
    default:
      throw new DisnixError('SERVICE_FAILED', `Unexpected answer from the Disnix service: ${JSON.stringify(final)}`)
  }
}

/** The log dir of the service (the original's get_logdir). */
export async function serviceLogDir(socketPath: string): Promise<string> {
  const replies = await exchange(socketPath, { op: 'get-logdir' })
  const answer = replies.find((r) => r.type === 'logdir')
  if (answer?.type !== 'logdir') throw new DisnixError('SERVICE_FAILED', `The Disnix service at ${socketPath} did not tell its log dir`)
  return answer.logDir
}

function exchange(socketPath: string, request: TargetRequest | { op: 'get-logdir' }, signal?: AbortSignal): Promise<ServiceReply[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath)
    const replies: ServiceReply[] = []
    let buffer = ''
    const onAbort = () => socket.destroy(new DisnixError('CANCELLED', 'The call to the Disnix service was cancelled'))
    signal?.addEventListener('abort', onAbort, { once: true })
    socket.setEncoding('utf8')
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`))
    socket.on('data', (chunk: string) => {
      buffer += chunk
      let end: number
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 1)
        if (line.trim() !== '') replies.push(JSON.parse(line) as ServiceReply)
      }
    })
    socket.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort)
      reject(connectError(socketPath, error))
    })
    socket.on('close', () => {
      signal?.removeEventListener('abort', onAbort)
      resolve(replies)
    })
  })
}

function connectError(socketPath: string, error: Error & { code?: string }): Error {
  if (error instanceof DisnixError) return error
  switch (error.code) {
    case 'EACCES':
      return new DisnixError(
        'SERVICE_ACCESS_DENIED',
        `Cannot connect to the Disnix service at ${socketPath}: permission denied: you are not root and not in the disnix group`,
        { hint: NOT_IN_GROUP_HINT },
      )
    case 'ENOENT':
    case 'ECONNREFUSED':
      return new DisnixError('SERVICE_UNAVAILABLE', `Cannot connect to the Disnix service at ${socketPath}! Is disnix-service running?`, {
        hint: 'start it with: disnix-service --daemon (or set DISNIX_SERVICE_SOCKET / --socket to where it listens)',
      })
    default:
      return new DisnixError('SERVICE_UNAVAILABLE', `Cannot connect to the Disnix service at ${socketPath}! Reason: ${error.message}`)
  }
}
