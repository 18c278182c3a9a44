import { rename, rm, stat } from 'node:fs/promises'
import { createConnection, createServer, type Socket } from 'node:net'
import { PassThrough } from 'node:stream'
import { finished } from 'node:stream/promises'
import { encodeJsonFrame, frameDecoder, frameWriter, isDisnixError, type Frame } from '@disnix-ts/libmain'
import type { Client as SshClient } from 'ssh2'
import { connectSsh } from './connect-ssh.js'
import { SSH_FAILURE_EXIT } from './target-error.js'
import { execOnClient } from './direct-session.js'
import { canServe, startServeSession, type ServeSession } from './serve-session.js'
import { FrameType, type ErrorPayload, type MasterStatus, type OpenPayload } from './mux-protocol.js'
import type { ConnectionParams } from './resolve-connection.js'

/** What the master tells the invocation that started it, once. */
export type MasterStartup = { status: 'ready'; warnings: string[] } | { status: 'existing' } | { status: 'error'; error: ErrorPayload }

export interface RunMasterOptions {
  params: ConnectionParams
  socketPath: string
  /** Exit after this long without clients. */
  idleMs: number
  onStartup: (startup: MasterStartup) => void
}

// Without keep-alives a silently dead link is only noticed when a command hangs.
const DEFAULT_MASTER_KEEPALIVE_MS = 15_000
// A remote client that can serve says hello as soon as it has started (a Node start, well under this).
const SERVE_HELLO_TIMEOUT_MS = 30_000

/**
 * The connection-sharing master (ARCHITECTURE §5): owns one ssh2 connection to a target and serves the
 * remote commands of later invocations over a Unix socket. It checks the host key itself (the same
 * connectSsh), reconnects once when the connection drops, and exits after `idleMs` without clients.
 * Resolves when the master has shut down.
 */
export async function runMaster(options: RunMasterOptions): Promise<void> {
  const { socketPath } = options
  const params = { ...options.params, serverAliveIntervalMs: options.params.serverAliveIntervalMs || DEFAULT_MASTER_KEEPALIVE_MS }
  if (await socketIsLive(socketPath)) {
    options.onStartup({ status: 'existing' })
    return
  }
  let client: SshClient | undefined
  let connecting: Promise<SshClient> | undefined
  const status: MasterStatus = { pid: process.pid, connects: 0, commands: 0, served: 0, running: 0, connected: false }
  // Per remote client: its --serve session on the current connection (undefined: it cannot serve).
  const serveSessions = new Map<string, { client: SshClient; session: Promise<ServeSession | undefined> }>()
  const warnings: string[] = []
  let clients = 0
  let idleTimer: NodeJS.Timeout | undefined
  let shutdownResolve: () => void = () => {}
  const done = new Promise<void>((resolve) => (shutdownResolve = resolve))

  const server = createServer((socket) => serveClient(socket))
  // Listen on a private name and rename over the public one: a stale socket is replaced atomically.
  const tmpPath = `${socketPath}.${process.pid}`
  await rm(tmpPath, { force: true })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(tmpPath, () => resolve()))
  const ino = (await stat(tmpPath)).ino
  await rename(tmpPath, socketPath)

  const shutdown = async (): Promise<void> => {
    clearTimeout(idleTimer)
    server.close()
    client?.end()
    if ((await stat(socketPath).catch(() => undefined))?.ino === ino) await rm(socketPath, { force: true })
    shutdownResolve()
  }
  const armIdle = (): void => {
    clearTimeout(idleTimer)
    if (clients === 0) idleTimer = setTimeout(() => void shutdown(), options.idleMs)
  }

  const getClient = (): Promise<SshClient> => {
    if (client) return Promise.resolve(client)
    connecting ??= connectSsh(params, { onWarning: (w) => warnings.push(w) })
      .then((c) => {
        status.connects++
        status.connected = true
        client = c
        c.on('error', () => {}) // a dropped connection also emits 'close', which is what we act on
        c.on('close', () => {
          if (client !== c) return
          client = undefined
          status.connected = false
        })
        return c
      })
      .catch((error: unknown) => {
        // The first connection failed or the one reconnect after a drop failed: give up, so that the
        // next invocation starts afresh.
        void shutdown()
        throw error
      })
      .finally(() => (connecting = undefined))
    return connecting
  }

  try {
    await getClient()
  } catch (error) {
    options.onStartup({ status: 'error', error: errorPayload(error) })
    await done
    return
  }
  if ((await stat(socketPath).catch(() => undefined))?.ino !== ino) {
    // Another master won the race for this socket; leave it the work.
    options.onStartup({ status: 'existing' })
    await shutdown()
    return
  }
  options.onStartup({ status: 'ready', warnings: warnings.splice(0) })
  armIdle()
  await done

  function serveClient(socket: Socket): void {
    clients++
    clearTimeout(idleTimer)
    socket.setMaxListeners(0)
    const decode = frameDecoder()
    const queue: Frame[] = []
    const channels = new Map<number, { input: PassThrough; stop: AbortController }>()
    let blocked = false
    const block = (until: Promise<unknown>): void => {
      blocked = true
      socket.pause()
      void until.finally(() => {
        blocked = false
        socket.resume()
        pump()
      })
    }
    const pump = (): void => {
      while (!blocked && queue.length > 0) handle(queue.shift()!)
    }
    const handle = (frame: Frame): void => {
      const stdin = channels.get(frame.channel)?.input
      switch (frame.type) {
        case FrameType.Open: {
          const input = new PassThrough()
          const stop = new AbortController()
          channels.set(frame.channel, { input, stop })
          // Hold further frames of this client until the connection is there; stdin then buffers in
          // `input` with its own backpressure.
          let opened: () => void = () => {}
          block(new Promise<void>((resolve) => (opened = resolve)))
          void runCommand(socket, frame.channel, JSON.parse(frame.payload.toString()) as OpenPayload, input, stop.signal, () => opened()).finally(() => {
            channels.delete(frame.channel)
            opened()
          })
          break
        }
        case FrameType.Stdin:
          if (stdin && !stdin.write(frame.payload)) block(new Promise((r) => stdin.once('drain', r)))
          break
        case FrameType.StdinEof:
          stdin?.end()
          break
        case FrameType.Resize:
          stdin?.emit('resize', JSON.parse(frame.payload.toString()))
          break
        case FrameType.Status:
          socket.write(encodeJsonFrame(frame.channel, FrameType.StatusReply, status))
          break
        default:
          socket.destroy()
      }
    }
    socket.on('data', (chunk: Buffer) => {
      try {
        queue.push(...decode(chunk))
      } catch {
        socket.destroy()
        return
      }
      pump()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      // A client that went away (killed in the middle of a transfer) takes its remote commands along:
      // left running they would hold the channel, the remote temp files and the link's bandwidth.
      for (const { input, stop } of channels.values()) {
        stop.abort()
        input.destroy()
      }
      clients--
      armIdle()
    })
  }

  /**
   * The remote client's --serve session on connection `c`, started on first use and again when it has
   * died; undefined when the client cannot serve (remembered for the connection).
   */
  async function serveSession(c: SshClient, remoteClient: string): Promise<ServeSession | undefined> {
    if (!canServe(remoteClient)) return undefined
    const entry = serveSessions.get(remoteClient)
    if (entry && entry.client === c) {
      const session = await entry.session
      if (session === undefined || session.alive) return session
      // Several calls may find the same dead session: the first one replaces it for all.
      if (serveSessions.get(remoteClient) !== entry) return serveSession(c, remoteClient)
    }
    const started = { client: c, session: startServeSession(c, params.target, remoteClient, SERVE_HELLO_TIMEOUT_MS, (line) => process.stderr.write(`${line}\n`)) }
    serveSessions.set(remoteClient, started)
    return started.session
  }

  async function runCommand(socket: Socket, id: number, open: OpenPayload, stdin: PassThrough, signal: AbortSignal, opened: () => void): Promise<void> {
    const stdout = frameWriter(socket, id, FrameType.Stdout)
    const stderr = frameWriter(socket, id, FrameType.Stderr)
    let reply: Buffer
    status.running++
    try {
      const c = await getClient()
      status.commands++
      opened()
      const serve = open.argv && open.argv.length > 0 && !open.pty ? await serveSession(c, open.argv[0]!) : undefined
      if (serve) {
        status.served++
        stdin.resume() // the command reads no stdin; its end-of-file is all that comes
        const result = await serve.run({ argv: open.argv!.slice(1), stdout, stderr })
        reply = encodeJsonFrame(id, FrameType.Exit, result)
      } else {
        const result = await execOnClient(
          c,
          params.target,
          {
            command: open.command,
            stdin,
            stdout,
            stderr,
            signal,
            pty: open.pty,
            watchResize: (apply) => {
              const listener = (size: { rows: number; cols: number }): void => apply(size.rows, size.cols)
              stdin.on('resize', listener)
              return () => stdin.off('resize', listener)
            },
          },
          params.connectTimeoutMs,
        )
        reply = encodeJsonFrame(id, FrameType.Exit, result)
      }
    } catch (error) {
      reply = encodeJsonFrame(id, FrameType.Error, errorPayload(error))
    } finally {
      status.running--
    }
    stdout.end()
    stderr.end()
    await Promise.all([finished(stdout), finished(stderr)]).catch(() => {})
    if (!socket.destroyed) socket.write(reply)
  }
}

/** True when a master answers on the socket. */
export function socketIsLive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(socketPath)
    probe.once('connect', () => {
      probe.destroy()
      resolve(true)
    })
    probe.once('error', () => resolve(false))
  })
}

function errorPayload(error: unknown): ErrorPayload {
  if (isDisnixError(error)) return { code: error.code, message: error.message, hint: error.hint, exitCode: error.exitCode ?? 1 }
  return { code: 'SSH_MASTER_FAILED', message: `ssh connection master failed: ${(error as Error).message}`, exitCode: SSH_FAILURE_EXIT }
}
