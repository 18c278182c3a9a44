import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, openSync, closeSync, lstatSync, mkdirSync } from 'node:fs'
import { createConnection, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DisnixError, encodeFrame, encodeJsonFrame, frameDecoder, hasErrorCode } from '@disnix-ts/libmain'
import { targetError } from './target-error.js'
import { directSession } from './direct-session.js'
import { readMasterFrame, type MasterMessage } from './mux-frames.js'
import { FrameType, type ErrorPayload, type MasterStatus } from './mux-protocol.js'
import type { ExecRequest, ExecResult, RemoteSession } from './remote-session.js'
import type { ConnectionParams } from './resolve-connection.js'
import type { Client as SshClient } from 'ssh2'
import type { MasterStartup } from './ssh-master.js'

export interface OpenSessionOptions {
  /** Idle seconds of a master (DISNIX_SSH_PERSIST); 0 = no sharing, a direct connection per invocation. */
  persistSeconds: number
  /** Private directory for master sockets; undefined = no sharing. */
  runtimeDir?: string
  onWarning?: (message: string) => void
}

// sun_path holds 108 bytes; longer paths cannot be sockets.
const MAX_SOCKET_PATH = 100
const MASTER_MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'ssh-master-main.js')

/**
 * Opens a session to a target: through the running master for these connection parameters, starting
 * one if there is none (a stale socket is replaced), or a direct connection when sharing is off or the
 * master cannot be started.
 */
export async function openSession(params: ConnectionParams, options: OpenSessionOptions): Promise<RemoteSession> {
  const warn = options.onWarning ?? (() => {})
  const socketPath = options.runtimeDir === undefined ? undefined : masterSocketPath(params, options.runtimeDir)
  if (options.persistSeconds === 0 || socketPath === undefined || !privateDir(options.runtimeDir!) || !existsSync(MASTER_MAIN)) {
    return directSession(await connectDirect(params, warn), params.target)
  }
  const existing = await connectSocket(socketPath)
  if (existing) return muxSession(existing, params.target)
  const startup = await startMaster(params, socketPath, options.persistSeconds * 1000)
  if (startup?.status === 'error') throw new DisnixError(startup.error.code, startup.error.message, { hint: startup.error.hint })
  if (startup?.status === 'ready') startup.warnings.forEach(warn)
  const socket = startup ? await connectSocket(socketPath) : undefined
  if (socket) return muxSession(socket, params.target)
  return directSession(await connectDirect(params, warn), params.target)
}

/** The master socket for a set of connection parameters: a hash of all of them, so different options never share. */
export function masterSocketPath(params: ConnectionParams, runtimeDir: string): string | undefined {
  const hash = createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 24)
  const path = join(runtimeDir, `${hash}.sock`)
  return path.length <= MAX_SOCKET_PATH ? path : undefined
}

/** Asks the master on `socketPath` about itself (how many connections it opened, commands served). */
export async function queryMasterStatus(socketPath: string): Promise<MasterStatus | undefined> {
  const socket = await connectSocket(socketPath)
  if (!socket) return undefined
  return new Promise((resolve) => {
    const decode = frameDecoder()
    socket.on('data', (chunk: Buffer) => {
      let reply: MasterMessage | undefined
      try {
        reply = decode(chunk).map(readMasterFrame).find((m) => m.type === 'status-reply')
      } catch {
        socket.destroy()
        return
      }
      if (reply?.type !== 'status-reply') return
      socket.destroy()
      resolve(reply.status)
    })
    socket.on('close', () => resolve(undefined))
    socket.write(encodeFrame(0, FrameType.Status))
  })
}

/** Creates the runtime dir (0700) and checks that it is ours and private; sharing is off otherwise. */
function privateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const st = lstatSync(dir)
    return st.isDirectory() && (st.mode & 0o077) === 0 && st.uid === process.getuid?.()
  } catch (error) {
    if (hasErrorCode(error, 'EACCES') || hasErrorCode(error, 'EROFS') || hasErrorCode(error, 'ENOTDIR')) return false
    throw error
  }
}

function connectSocket(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(path)
    socket.once('connect', () => {
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', () => resolve(undefined))
  })
}

/** Starts a detached master and waits for its startup line; undefined when it could not start. */
function startMaster(params: ConnectionParams, socketPath: string, idleMs: number): Promise<MasterStartup | undefined> {
  let log: number | 'ignore' = 'ignore'
  try {
    log = openSync(`${socketPath.replace(/\.sock$/, '')}.log`, 'w', 0o600)
  } catch (error) {
    if (!hasErrorCode(error, 'EACCES')) throw error
  }
  const child = spawn(process.execPath, [MASTER_MAIN, JSON.stringify({ params, socketPath, idleMs })], {
    detached: true,
    stdio: ['ignore', 'pipe', log],
  })
  if (typeof log === 'number') closeSync(log)
  return new Promise((resolve) => {
    let text = ''
    const finish = (startup: MasterStartup | undefined): void => {
      child.stdout?.destroy()
      child.unref()
      resolve(startup)
    }
    child.once('error', () => finish(undefined))
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      const newline = text.indexOf('\n')
      if (newline >= 0) finish(masterStartup(text.slice(0, newline)))
    })
    child.stdout?.once('end', () => finish(undefined))
  })
}

/** The master's startup line; anything else counts as a master that could not start. */
function masterStartup(line: string): MasterStartup | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  const startup = value as { status?: unknown; warnings?: unknown; error?: unknown }
  if (startup.status === 'existing') return { status: 'existing' }
  if (startup.status === 'ready' && Array.isArray(startup.warnings) && startup.warnings.every((w) => typeof w === 'string')) {
    return { status: 'ready', warnings: startup.warnings as string[] }
  }
  if (startup.status === 'error') {
    try {
      const error = readMasterFrame({ channel: 0, type: FrameType.Error, payload: Buffer.from(JSON.stringify(startup.error)) })
      if (error.type === 'error') return { status: 'error', error: error.error }
    } catch {
      return undefined
    }
  }
  return undefined
}

/** Runs remote commands over a master's socket, one mux channel per command. */
function muxSession(socket: Socket, target: string): RemoteSession {
  socket.setMaxListeners(0)
  const decode = frameDecoder()
  const channels = new Map<number, (message: MasterMessage) => void>()
  let nextId = 1
  socket.on('data', (chunk: Buffer) => {
    let messages: MasterMessage[]
    try {
      messages = decode(chunk).map(readMasterFrame)
    } catch {
      // Not the master's protocol: every running command gets the error of a lost master.
      socket.destroy()
      return
    }
    for (const message of messages) channels.get(message.channel)?.(message)
  })
  socket.on('error', () => {})
  socket.on('close', () => {
    const lost: MasterMessage = { type: 'error', channel: 0, error: lostPayload(target) }
    for (const handler of [...channels.values()]) handler(lost)
  })
  return {
    kind: 'shared',
    exec: (request) => execOnMaster(socket, nextId++, channels, request),
    close: () => socket.end(),
  }
}

function execOnMaster(socket: Socket, id: number, channels: Map<number, (message: MasterMessage) => void>, request: ExecRequest): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const waitDrain = (stream: NodeJS.WritableStream): void => {
      socket.pause()
      stream.once('drain', () => socket.resume())
    }
    let unwatch: (() => void) | undefined
    const onData = (chunk: Buffer | string): void => {
      if (!socket.write(encodeFrame(id, FrameType.Stdin, chunk))) {
        request.stdin!.pause()
        socket.once('drain', () => request.stdin!.resume())
      }
    }
    channels.set(id, (message) => {
      if (message.type === 'stdout') {
        if (!request.stdout.write(message.data)) waitDrain(request.stdout)
      } else if (message.type === 'stderr') {
        if (!request.stderr.write(message.data)) waitDrain(request.stderr)
      } else if (message.type === 'exit' || message.type === 'error') {
        channels.delete(id)
        unwatch?.()
        request.stdin?.off('data', onData)
        if (message.type === 'exit') resolve(message.exit)
        else reject(new DisnixError(message.error.code, message.error.message, { hint: message.error.hint }))
      }
    })
    socket.write(encodeJsonFrame(id, FrameType.Open, { command: request.command, served: request.served, pty: request.pty }))
    unwatch = request.watchResize?.((rows, cols) => socket.write(encodeJsonFrame(id, FrameType.Resize, { rows, cols })))
    const stdin = request.stdin
    if (!stdin) {
      socket.write(encodeFrame(id, FrameType.StdinEof))
      return
    }
    stdin.on('data', onData)
    stdin.once('end', () => {
      if (channels.has(id)) socket.write(encodeFrame(id, FrameType.StdinEof))
    })
  })
}

function lostPayload(target: string): ErrorPayload {
  const error = targetError({ target }, 'CONNECTION_LOST', 'the connection-sharing master went away while a remote command was running')
  return { code: error.code, message: error.message }
}

async function connectDirect(params: ConnectionParams, onWarning: (message: string) => void): Promise<SshClient> {
  // Loaded on demand: ssh2 costs more start-up time than a whole shared-connection command.
  const { connectSsh } = await import('./connect-ssh.js')
  return connectSsh(params, { onWarning })
}
