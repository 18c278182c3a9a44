import type { Readable, Writable } from 'node:stream'
import { DisnixError } from '@disnix-ts/libmain'
import type { InterfaceRequest, Operation } from '@disnix-ts/libinterface'
import type { PtyRequest } from './remote-session.js'
import type { ConnectionParams } from './resolve-connection.js'
import { sshClientSettings } from './ssh-client-settings.js'

/** Where one request of disnix-ssh-client reads its settings and writes its output. */
export interface SshRequestIo {
  /** SSH_USER, SSH_OPTS, DISNIX_REMOTE_CLIENT, DISNIX_SSH_PERSIST, TMPDIR, ... (sshClientSettings). */
  env: NodeJS.ProcessEnv
  stdout: Writable
  stderr: Writable
  /** Aborting closes the connection, as killing the executable would. */
  signal?: AbortSignal
  /** Where exported closures and snapshots go on this machine, instead of TMPDIR. */
  tmpdir?: string
  /** `--shell` on a terminal: its input, size and size changes. */
  terminal?: { stdin: Readable; pty: PtyRequest; watchResize: (apply: (rows: number, cols: number) => void) => () => void }
  /**
   * The connection parameters of each target, once resolved (the ssh config files read and matched):
   * a caller that makes many requests with one environment (the in-process interface) keeps them.
   */
  resolved?: Map<string, ConnectionParams>
}

/**
 * One request of disnix-ssh-client on a target (spec §3.2), typed: the checks the original makes
 * before it connects, then a session (through the connection-sharing master unless
 * DISNIX_SSH_PERSIST=0) and the request over it. Returns the exit status the executable ends with:
 * the remote command's. Connection failures are DisnixErrors naming the target.
 */
export async function runSshRequest(target: string, request: InterfaceRequest, io: SshRequestIo): Promise<number> {
  checkSshRequest(request)
  const settings = sshClientSettings(io.env)
  const [{ resolveConnection }, { openSession }, { runRemoteRequest }] = await Promise.all([
    import('./resolve-connection.js'),
    import('./open-session.js'),
    import('./run-remote-request.js'),
  ])
  let params = io.resolved?.get(target)
  if (params === undefined) {
    params = resolveConnection({ target, ...settings.connection })
    io.resolved?.set(target, params)
  }
  const session = await openSession(params, { persistSeconds: settings.persistSeconds, runtimeDir: settings.runtimeDir, onWarning: (m) => void io.stderr.write(`${m}\n`) })
  const abort = (): void => session.close()
  if (io.signal?.aborted) abort()
  else io.signal?.addEventListener('abort', abort, { once: true })
  try {
    return await runRemoteRequest(request, session, {
      target,
      remoteClient: settings.remoteClient,
      stdout: io.stdout,
      stderr: io.stderr,
      tmpDir: io.tmpdir ?? settings.tmpDir,
      serve: settings.serve,
      ...io.terminal,
    })
  } finally {
    io.signal?.removeEventListener('abort', abort)
    session.close()
  }
}

/** The checks of a request that only a transport makes (same messages as the original, exit 1). */
export function checkSshRequest(request: InterfaceRequest): void {
  if (request.op === 'import' || request.op === 'import-snapshots') requireFileLocation(request.op, request.where)
  if (request.op === 'export-snapshots' && request.paths.some((p) => !p.startsWith('/'))) {
    throw new DisnixError('SNAPSHOT_PATH_INVALID', 'ERROR: --export-snapshots takes absolute remote snapshot paths')
  }
}

/** An import must say whether its files are here (streamed over) or already on the target. */
export function requireFileLocation(op: Operation, where: 'local' | 'remote' | undefined): void {
  if ((op === 'import' || op === 'import-snapshots') && where === undefined) {
    throw new DisnixError('USAGE', 'ERROR: Either a remote or a localfile must be specified!')
  }
}
