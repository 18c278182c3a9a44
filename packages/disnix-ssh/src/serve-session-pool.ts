import type { Client as SshClient } from 'ssh2'
import { canServe, startServeSession, type ServeSession } from './serve-session.js'

export interface ServeSessionPoolOptions {
  /** The target as the user named it, for messages. */
  target: string
  /** How long a remote client that can serve may take to say hello. */
  helloTimeoutMs: number
  /** Where the sessions' own messages go (the master's log). */
  log: (line: string) => void
}

/**
 * The long-lived `--serve` sessions of a master: one per remote client on the current connection,
 * started on first use and again when it has died. A remote client that cannot serve is remembered
 * for the connection (undefined), and its calls get a process each.
 */
export function serveSessionPool(options: ServeSessionPoolOptions): { sessionFor(client: SshClient, remoteClient: string): Promise<ServeSession | undefined> } {
  const sessions = new Map<string, { client: SshClient; session: Promise<ServeSession | undefined> }>()
  const sessionFor = async (client: SshClient, remoteClient: string): Promise<ServeSession | undefined> => {
    if (!canServe(remoteClient)) return undefined
    const entry = sessions.get(remoteClient)
    if (entry && entry.client === client) {
      const session = await entry.session
      if (session === undefined || session.alive) return session
      // Several calls may find the same dead session: the first one replaces it for all.
      if (sessions.get(remoteClient) !== entry) return sessionFor(client, remoteClient)
    }
    const started = { client, session: startServeSession(client, options.target, remoteClient, options.helloTimeoutMs, options.log) }
    sessions.set(remoteClient, started)
    return started.session
  }
  return { sessionFor }
}
