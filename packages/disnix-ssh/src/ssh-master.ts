import { rename, rm, stat } from 'node:fs/promises'
import { createConnection, createServer } from 'node:net'
import type { Client as SshClient } from 'ssh2'
import { isNotStarted } from './connection-loss.js'
import { execOnClient } from './direct-session.js'
import { idleShutdown } from './idle-shutdown.js'
import { masterConnection } from './master-connection.js'
import { errorPayload, serveInvocation, type ChannelCommand } from './mux-channels.js'
import type { ErrorPayload, ExitPayload, MasterStatus } from './mux-protocol.js'
import type { ConnectionParams } from './resolve-connection.js'
import { serveSessionPool } from './serve-session-pool.js'

/** What the master tells the invocation that started it, once. */
export type MasterStartup = { status: 'ready'; warnings: string[] } | { status: 'existing' } | { status: 'error'; error: ErrorPayload }

export interface RunMasterOptions {
  params: ConnectionParams
  socketPath: string
  /** Exit after this long without invocations. */
  idleMs: number
  onStartup: (startup: MasterStartup) => void
  /** The master's own messages (a remote client's --serve session that failed): its log file. */
  log: (line: string) => void
}

// A remote client that can serve says hello as soon as it has started (a Node start, well under this).
const SERVE_HELLO_TIMEOUT_MS = 30_000

/**
 * The connection-sharing master (ARCHITECTURE §5): owns one ssh2 connection to a target
 * (master-connection) and serves the remote commands of later invocations over a Unix socket, one
 * channel each (mux-channels); plain calls of the remote client run in its long-lived `--serve`
 * session (serve-session-pool). It checks the host key itself (the same connectSsh), reconnects once
 * when the connection drops, and exits after `idleMs` without invocations (idle-shutdown). Resolves
 * when the master has shut down.
 */
export async function runMaster(options: RunMasterOptions): Promise<void> {
  const { socketPath } = options
  // Keep-alives come from the connection parameters (on by default, resolve-connection): a silently
  // dead link ends the shared connection and every command on it with "unreachable".
  const { params } = options
  if (await socketIsLive(socketPath)) {
    options.onStartup({ status: 'existing' })
    return
  }
  const counts = { commands: 0, served: 0, running: 0 }
  const warnings: string[] = []
  let stopped: () => void = () => {}
  const done = new Promise<void>((resolve) => (stopped = resolve))

  const connection = masterConnection(params, { onWarning: (w) => warnings.push(w), onFailure: () => void shutdown() })
  const serveSessions = serveSessionPool({ target: params.target, helloTimeoutMs: SERVE_HELLO_TIMEOUT_MS, log: options.log })
  const idle = idleShutdown(options.idleMs, () => void shutdown())
  const status = (): MasterStatus => ({ pid: process.pid, connects: connection.connects, ...counts, connected: connection.connected })

  const runOn = async (client: SshClient, command: ChannelCommand): Promise<ExitPayload> => {
    const { open } = command
    const session = open.served && !open.pty ? await serveSessions.sessionFor(client, open.served.client) : undefined
    if (session && open.served) {
      counts.served++
      command.stdin.resume() // the command reads no stdin; its end-of-file is all that comes
      return await session.run({ request: open.served.request, stdout: command.stdout, stderr: command.stderr })
    }
    return await execOnClient(
      client,
      params.target,
      {
        command: open.command,
        stdin: command.stdin,
        stdout: command.stdout,
        stderr: command.stderr,
        signal: command.signal,
        pty: open.pty,
        watchResize: (apply) => {
          const listener = (size: { rows: number; cols: number }): void => apply(size.rows, size.cols)
          command.stdin.on('resize', listener)
          return () => command.stdin.off('resize', listener)
        },
      },
      params.connectTimeoutMs,
      `${params.hostName} port ${params.port}`,
    )
  }

  // Served requests whose invocation went away (a coordinator killed in the middle of an activity):
  // activities are never cancelled half-way, so they run to their end on the target. Later commands
  // wait for them: a rerun that takes over a killed run's locks never overlaps what it left running.
  const orphans = new Set<Promise<unknown>>()
  const afterOrphans = async (): Promise<void> => {
    if (orphans.size === 0) return
    options.log(`${params.target}: waiting for ${orphans.size} command(s) of an invocation that went away to finish`)
    while (orphans.size > 0) await Promise.allSettled([...orphans])
  }
  const adoptWhenOrphaned = (command: ChannelCommand, running: Promise<unknown>): void => {
    if (!command.open.served) return // other commands end with their invocation (mux-channels)
    const adopt = (): void => {
      orphans.add(running)
      idle.enter() // the master stays while it runs, as for a connected invocation
      const release = (): void => {
        orphans.delete(running)
        idle.leave()
      }
      void running.then(release, release)
    }
    command.signal.addEventListener('abort', adopt, { once: true })
    const ended = (): void => command.signal.removeEventListener('abort', adopt)
    void running.then(ended, ended)
  }

  const run = async (command: ChannelCommand): Promise<ExitPayload> => {
    // Said on the command's stderr, which the coordinator shows with the target's prefix: a rerun that
    // seems to hang is waiting for the killed run's activity.
    if (orphans.size > 0) command.stderr.write(`waiting for ${orphans.size === 1 ? 'an activity' : `${orphans.size} activities`} that an interrupted run left running on this target to finish\n`)
    await afterOrphans()
    const running = runCommand(command)
    adoptWhenOrphaned(command, running)
    return running
  }

  const runCommand = async (command: ChannelCommand): Promise<ExitPayload> => {
    counts.running++
    try {
      const reused = connection.connected
      const client = await connection.get()
      counts.commands++
      command.opened()
      try {
        return await runOn(client, command)
      } catch (error) {
        // A connection kept from before that turned out stale (the target restarted: same address,
        // new sshd) fails a command that never reached the target; it gets one fresh connection.
        if (!reused || !isNotStarted(error)) throw error
        options.log(`${params.target}: the shared connection was stale (${(error as Error).message}); running the command over a new connection`)
        connection.drop(client)
        return await runOn(await connection.get(), command)
      }
    } finally {
      counts.running--
    }
  }

  const server = createServer((socket) => {
    idle.enter()
    serveInvocation(socket, { run, status, onClose: () => idle.leave() })
  })
  // Listen on a private name and rename over the public one: a stale socket is replaced atomically.
  const tmpPath = `${socketPath}.${process.pid}`
  await rm(tmpPath, { force: true })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(tmpPath, () => resolve()))
  const ino = (await stat(tmpPath)).ino
  await rename(tmpPath, socketPath)

  async function shutdown(): Promise<void> {
    idle.stop()
    server.close()
    connection.end()
    if ((await stat(socketPath).catch(() => undefined))?.ino === ino) await rm(socketPath, { force: true })
    stopped()
  }

  try {
    await connection.get()
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
  idle.start()
  await done
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
