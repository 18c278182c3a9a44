import { DisnixError } from '@disnix-ts/libmain'
import type { Client as SshClient } from 'ssh2'
import type { ConnectionParams } from './resolve-connection.js'
import { targetError } from './target-error.js'

// Why an open connection ended, kept by the connection itself: every command that ran on it reports
// that one cause instead of its own guess ("the session ended").
const losses = new WeakMap<SshClient, DisnixError>()

/** Remembers the first error of an open connection as the reason it ends. */
export function watchConnectionLoss(client: SshClient, params: ConnectionParams): void {
  client.on('error', (error: Error & { level?: string; code?: string }) => {
    if (!losses.has(client)) losses.set(client, connectionLossError(params, error))
    // A link that stopped answering: what is still queued for it must never reach the target later.
    if (error.level === 'client-timeout') abandonConnection(client)
  })
}

/**
 * Gives up a connection that stopped answering: closes it with a reset, so that the kernel drops what
 * it has not sent yet. A plain close (ssh2's after an unanswered keep-alive, `destroy()`) leaves the
 * kernel sending it on its own: once the target's link is back, requests that were given up long ago
 * (an activation reported as "may or may not have happened", then undone elsewhere) would still
 * arrive and run there. ssh2 keeps its socket private, hence the cast.
 */
export function abandonConnection(client: SshClient): void {
  const socket = (client as unknown as { _sock?: { resetAndDestroy?: () => void; destroyed?: boolean } })._sock
  if (socket && !socket.destroyed) socket.resetAndDestroy?.()
  client.destroy()
}

/** Why the connection ended, when it ended with an error: a new error each time (each command marks its own). */
export function connectionLoss(client: SshClient): DisnixError | undefined {
  const loss = losses.get(client)
  if (!loss) return undefined
  const copy = new DisnixError(loss.code, loss.message, { hint: loss.hint })
  if (stale.has(loss)) stale.add(copy)
  return copy
}

/** The error of an open connection that broke: an unanswered keep-alive is "unreachable". */
export function connectionLossError(params: ConnectionParams, error: Error & { level?: string; code?: string }): DisnixError {
  const where = `${params.hostName} port ${params.port}`
  if (error.level === 'client-timeout') {
    const seconds = (params.serverAliveIntervalMs * params.serverAliveCountMax) / 1000
    return targetError(params, 'TARGET_UNREACHABLE', `unreachable: no answer for ${seconds} s from ${where} (ServerAliveInterval ${params.serverAliveIntervalMs / 1000} s × ServerAliveCountMax ${params.serverAliveCountMax})`)
  }
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
    return staleError(targetError(params, 'CONNECTION_LOST', `the connection to ${where} was reset by the target (its sshd restarted or dropped the connection)`))
  }
  return targetError(params, 'CONNECTION_LOST', `the connection to ${where} was lost: ${error.message}`)
}

const stale = new WeakSet<Error>()
const notStarted = new WeakSet<Error>()

function staleError(error: DisnixError): DisnixError {
  stale.add(error)
  return error
}

/** A reset connection: the target no longer knew it (a new sshd at the same address). */
export function isStaleConnection(error: unknown): boolean {
  return error instanceof Error && stale.has(error)
}

/** Marks the failure of a command that never reached the target: it is safe to run it again. */
export function markNotStarted<E extends Error>(error: E): E {
  notStarted.add(error)
  return error
}

export function isNotStarted(error: unknown): boolean {
  return error instanceof Error && notStarted.has(error)
}
