import type { Client as SshClient } from 'ssh2'
import { connectSsh } from './connect-ssh.js'
import { abandonConnection } from './connection-loss.js'
import type { ConnectionParams } from './resolve-connection.js'

/** The one ssh2 connection a master shares, connected on first use and again after a drop. */
export interface MasterConnection {
  /** The open connection, connecting when there is none. */
  get(): Promise<SshClient>
  /** How many connections were opened (1 unless it reconnected). */
  readonly connects: number
  readonly connected: boolean
  /** Forgets `client` (when it is still the current connection) and closes it: the next get() connects anew. */
  drop(client: SshClient): void
  end(): void
}

export interface MasterConnectionOptions {
  /** Warnings of the connection (an unverified host key), for the invocation that started the master. */
  onWarning: (message: string) => void
  /**
   * Called when connecting failed: the first connection, or the one reconnect after a drop. The
   * master then gives up, so that the next invocation starts afresh.
   */
  onFailure: () => void
}

export function masterConnection(params: ConnectionParams, options: MasterConnectionOptions): MasterConnection {
  let client: SshClient | undefined
  let connecting: Promise<SshClient> | undefined
  let connects = 0
  return {
    get connects() {
      return connects
    },
    get connected() {
      return client !== undefined
    },
    get() {
      if (client) return Promise.resolve(client)
      connecting ??= connectSsh(params, { onWarning: options.onWarning })
        .then((c) => {
          connects++
          client = c
          c.on('error', () => {}) // a dropped connection also emits 'close', which is what we act on
          c.on('close', () => {
            if (client === c) client = undefined
          })
          return c
        })
        .catch((error: unknown) => {
          options.onFailure()
          throw error
        })
        .finally(() => (connecting = undefined))
      return connecting
    },
    drop(stale) {
      if (client === stale) client = undefined
      abandonConnection(stale)
    },
    end() {
      client?.end()
    },
  }
}
