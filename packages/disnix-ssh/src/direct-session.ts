import type { Client as SshClient } from 'ssh2'
import { abandonConnection, connectionLoss, markNotStarted } from './connection-loss.js'
import { targetError } from './target-error.js'
import type { ExecRequest, ExecResult, RemoteSession } from './remote-session.js'

/** Runs remote commands on a connection of our own. */
export function directSession(client: SshClient, target: string): RemoteSession {
  return {
    kind: 'direct',
    exec: (request) => execOnClient(client, target, request),
    close: () => client.end(),
  }
}

/**
 * Runs one command on an ssh2 connection. The channel is opened first and only then is stdin piped in
 * (testnet.md §7: a source that ends before anyone reads it loses its data). A channel that closes
 * without an exit status means the connection was lost; the error is then why the connection ended
 * (connection-loss), marked as not started when the channel never opened. With `openTimeoutMs` a channel
 * that does not open in time gives up the connection; the message names `address` (`HOST port N`).
 */
export function execOnClient(client: SshClient, target: string, request: ExecRequest, openTimeoutMs = 0, address?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined
    if (openTimeoutMs > 0) {
      timer = setTimeout(() => {
        timer = undefined
        reject(targetError({ target }, 'TARGET_UNREACHABLE', `unreachable: the connection stopped responding (no answer within ${openTimeoutMs / 1000} s${address ? ` from ${address}` : ''})`))
        abandonConnection(client)
      }, openTimeoutMs)
    }
    const onLost = (): void => {
      if (timer) clearTimeout(timer)
      reject(markNotStarted(connectionLoss(client) ?? targetError({ target }, 'CONNECTION_LOST', 'the ssh connection was lost')))
    }
    client.once('close', onLost)
    client.exec(request.command, { pty: request.pty ? { ...request.pty, width: 0, height: 0 } : false }, (error, channel) => {
      if (timer) clearTimeout(timer)
      else if (openTimeoutMs > 0) {
        channel?.close()
        return
      }
      if (error) {
        client.removeListener('close', onLost)
        reject(targetError({ target }, 'SSH_EXEC_FAILED', `cannot run a remote command: ${error.message}`))
        return
      }
      let result: ExecResult | undefined
      // Done when the channel closed and both its output streams were read to the end (data may still
      // sit in a paused stream when the channel closes).
      let pending = 3
      const settle = (): void => {
        if (--pending > 0) return
        client.removeListener('close', onLost)
        unwatch?.()
        if (result) resolve(result)
        else reject(connectionLoss(client) ?? targetError({ target }, 'CONNECTION_LOST', 'the ssh connection was lost while a remote command was running'))
      }
      channel.on('exit', (code: number | null, signal?: string) => {
        result = code === null || code === undefined ? { code: null, signal: signal ?? 'unknown' } : { code }
      })
      channel.once('close', settle)
      channel.once('end', settle)
      channel.stderr.once('end', settle)
      // Writing stdin after the command exited is not an error worth reporting; its exit status is.
      channel.on('error', () => {})
      channel.pipe(request.stdout, { end: false })
      channel.stderr.pipe(request.stderr, { end: false })
      const unwatch = request.watchResize?.((rows, cols) => channel.setWindow(rows, cols, 0, 0))
      // No signal: the command's own clean-up (removing its temp files) runs once it sees the end.
      const abort = (): void => void channel.close()
      if (request.signal?.aborted) abort()
      else request.signal?.addEventListener('abort', abort, { once: true })
      channel.once('close', () => request.signal?.removeEventListener('abort', abort))
      if (request.stdin) request.stdin.pipe(channel)
      else channel.end()
    })
  })
}
