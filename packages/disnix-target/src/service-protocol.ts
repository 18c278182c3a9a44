import { invalidRequest, parseRequest } from '@disnix-ts/libinterface'
import type { TargetRequest } from './target-request.js'

/**
 * The disnix-service wire protocol: newline-delimited JSON over a Unix socket. A client sends one
 * request line (a request of the client-interface protocol, or `{"op":"get-logdir"}`); the service
 * answers with a `job` line as soon as the job has an id and a log file, then one final line.
 */
export type ServiceReply =
  | { type: 'job'; jobId: number; logFile: string }
  | { type: 'finish'; jobId: number }
  | { type: 'success'; jobId: number; lines: string[] }
  | { type: 'failure'; jobId: number; message: string; logFile: string }
  | { type: 'logdir'; logDir: string }
  | { type: 'error'; message: string }

/**
 * Reads one request line from the socket: a request of the client-interface protocol, checked field
 * by field where it enters (libinterface's parseRequest: no path that could pass as an option), or
 * `{"op":"get-logdir"}`. The shell is not something the service can run.
 */
export function parseServiceRequest(line: string): TargetRequest | { op: 'get-logdir' } {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw invalidRequest('the request is not JSON')
  }
  if (typeof value === 'object' && value !== null && (value as { op?: unknown }).op === 'get-logdir') return { op: 'get-logdir' }
  const request = parseRequest(value)
  if (request.op === 'shell') throw invalidRequest('the shell cannot be run by the service')
  // The service may run as another user than its client: it takes a secret's content, never reads a
  // file the client names (which the client itself might not be allowed to read).
  if (request.op === 'put-secret' && request.file !== undefined) throw invalidRequest('the service takes a secret as content, not as a file')
  return request
}
