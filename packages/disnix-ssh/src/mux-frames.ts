import { ERROR_CODES, isErrorCode, type ErrorCode, type Frame } from '@disnix-ts/libmain'
import { parseRequest } from '@disnix-ts/libinterface'
import { FrameType, type ErrorPayload, type ExitPayload, type MasterStatus, type OpenPayload } from './mux-protocol.js'

/**
 * The frames of the master's socket, read and checked where they enter: an invocation's frames by the
 * master, the master's frames by an invocation. A frame that is not what its type says is a
 * MuxProtocolError; the side that reads it drops the connection.
 */
export class MuxProtocolError extends Error {
  constructor(message: string) {
    super(`connection-sharing protocol: ${message}`)
    this.name = 'MuxProtocolError'
  }
}

/** What an invocation sends to the master. */
export type ClientMessage =
  | { type: 'open'; channel: number; open: OpenPayload }
  | { type: 'stdin'; channel: number; data: Buffer }
  | { type: 'stdin-eof'; channel: number }
  | { type: 'resize'; channel: number; rows: number; cols: number }
  | { type: 'status'; channel: number }

/** What the master sends to an invocation. */
export type MasterMessage =
  | { type: 'stdout' | 'stderr'; channel: number; data: Buffer }
  | { type: 'exit'; channel: number; exit: ExitPayload }
  | { type: 'error'; channel: number; error: ErrorPayload }
  | { type: 'status-reply'; channel: number; status: MasterStatus }

export function readClientFrame(frame: Frame): ClientMessage {
  const { channel } = frame
  switch (frame.type) {
    case FrameType.Open:
      return { type: 'open', channel, open: openPayload(json(frame)) }
    case FrameType.Stdin:
      return { type: 'stdin', channel, data: frame.payload }
    case FrameType.StdinEof:
      return { type: 'stdin-eof', channel }
    case FrameType.Resize: {
      const size = object(json(frame), 'resize')
      return { type: 'resize', channel, rows: dimension(size.rows, 'rows'), cols: dimension(size.cols, 'cols') }
    }
    case FrameType.Status:
      return { type: 'status', channel }
    default:
      throw new MuxProtocolError(`unexpected frame type ${frame.type} from an invocation`)
  }
}

export function readMasterFrame(frame: Frame): MasterMessage {
  const { channel } = frame
  switch (frame.type) {
    case FrameType.Stdout:
      return { type: 'stdout', channel, data: frame.payload }
    case FrameType.Stderr:
      return { type: 'stderr', channel, data: frame.payload }
    case FrameType.Exit:
      return { type: 'exit', channel, exit: exitPayload(json(frame)) }
    case FrameType.Error:
      return { type: 'error', channel, error: errorPayload(json(frame)) }
    case FrameType.StatusReply:
      return { type: 'status-reply', channel, status: masterStatus(json(frame)) }
    default:
      throw new MuxProtocolError(`unexpected frame type ${frame.type} from the master`)
  }
}

function openPayload(value: unknown): OpenPayload {
  const open = object(value, 'open')
  if (typeof open.command !== 'string') throw new MuxProtocolError('open: command must be a string')
  const pty = open.pty === undefined ? undefined : ptyRequest(open.pty)
  const served = open.served === undefined ? undefined : servedCall(open.served)
  return { command: open.command, ...(pty && { pty }), ...(served && { served }) }
}

function ptyRequest(value: unknown): NonNullable<OpenPayload['pty']> {
  const pty = object(value, 'pty')
  if (typeof pty.term !== 'string') throw new MuxProtocolError('pty: term must be a string')
  return { rows: dimension(pty.rows, 'rows'), cols: dimension(pty.cols, 'cols'), term: pty.term }
}

/**
 * The typed request that a master may serve instead of running the command. One that is not a valid
 * request (a path that could pass as an option, say) is not served: the command line runs as given.
 */
function servedCall(value: unknown): OpenPayload['served'] {
  const served = object(value, 'served')
  if (typeof served.client !== 'string' || served.client === '') throw new MuxProtocolError('served: client must be a non-empty string')
  try {
    return { client: served.client, request: parseRequest(served.request) }
  } catch (error) {
    if (isErrorCode(error, 'INVALID_REQUEST')) return undefined
    throw error
  }
}

function exitPayload(value: unknown): ExitPayload {
  const exit = object(value, 'exit')
  const code = exit.code
  if (code !== null && !(typeof code === 'number' && Number.isInteger(code))) throw new MuxProtocolError('exit: code must be a number or null')
  if (exit.signal !== undefined && typeof exit.signal !== 'string') throw new MuxProtocolError('exit: signal must be a string')
  return exit.signal === undefined ? { code } : { code, signal: exit.signal }
}

function errorPayload(value: unknown): ErrorPayload {
  const error = object(value, 'error')
  if (typeof error.code !== 'string' || !Object.hasOwn(ERROR_CODES, error.code)) throw new MuxProtocolError(`error: unknown code ${String(error.code)}`)
  if (typeof error.message !== 'string') throw new MuxProtocolError('error: message must be a string')
  if (error.hint !== undefined && typeof error.hint !== 'string') throw new MuxProtocolError('error: hint must be a string')
  return { code: error.code as ErrorCode, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) }
}

function masterStatus(value: unknown): MasterStatus {
  const status = object(value, 'status')
  const counts = ['pid', 'connects', 'commands', 'served', 'running'] as const
  for (const key of counts) {
    if (typeof status[key] !== 'number') throw new MuxProtocolError(`status: ${key} must be a number`)
  }
  if (typeof status.connected !== 'boolean') throw new MuxProtocolError('status: connected must be true or false')
  return status as unknown as MasterStatus
}

function json(frame: Frame): unknown {
  try {
    return JSON.parse(frame.payload.toString())
  } catch {
    throw new MuxProtocolError(`frame type ${frame.type} does not carry JSON`)
  }
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MuxProtocolError(`${what} must be a JSON object`)
  return value as Record<string, unknown>
}

function dimension(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new MuxProtocolError(`${what} must be a whole number`)
  return value
}
