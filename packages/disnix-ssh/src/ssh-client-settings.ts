import { homedir, userInfo } from 'node:os'
import { DisnixError } from '@disnix-ts/libmain'
import type { ResolveConnectionInput } from './resolve-connection.js'

/** Seconds a connection-sharing master stays after its last use, unless DISNIX_SSH_PERSIST says otherwise. */
export const DEFAULT_PERSIST_SECONDS = 60

/** What disnix-ssh-client reads from its environment, in one place (the executable and the in-process interface). */
export interface SshClientSettings {
  /** DISNIX_REMOTE_CLIENT: the executable run on the target. */
  remoteClient: string
  /** DISNIX_SSH_PERSIST: idle seconds of a connection-sharing master; 0 = no sharing. */
  persistSeconds: number
  /** DISNIX_SSH_SERVE: plain calls may run in the remote client's `--serve` session. */
  serve: boolean
  /** TMPDIR: where exported closures and snapshots go on this machine. */
  tmpDir: string
  /** Where master sockets live: $XDG_RUNTIME_DIR/disnix-ssh, else $TMPDIR/disnix-ssh-<uid>. */
  runtimeDir: string
  /** SSH_USER, SSH_OPTS, HOME, SSH_AUTH_SOCK and the local user, for resolveConnection. */
  connection: Omit<ResolveConnectionInput, 'target'>
}

export function sshClientSettings(env: NodeJS.ProcessEnv): SshClientSettings {
  const tmpDir = env.TMPDIR || '/tmp'
  return {
    remoteClient: env.DISNIX_REMOTE_CLIENT || 'disnix-run-activity',
    persistSeconds: persistSeconds(env.DISNIX_SSH_PERSIST),
    serve: env.DISNIX_SSH_SERVE !== '0',
    tmpDir,
    runtimeDir: env.XDG_RUNTIME_DIR ? `${env.XDG_RUNTIME_DIR}/disnix-ssh` : `${tmpDir}/disnix-ssh-${process.getuid?.() ?? 0}`,
    connection: {
      sshUser: env.SSH_USER,
      sshOpts: env.SSH_OPTS,
      localUser: userInfo().username,
      home: env.HOME || homedir(),
      agentSocket: env.SSH_AUTH_SOCK,
    },
  }
}

function persistSeconds(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PERSIST_SECONDS
  if (!/^\d+$/.test(value)) throw new DisnixError('SETTING_INVALID', `ERROR: DISNIX_SSH_PERSIST must be a number of seconds, not '${value}'`)
  return Number(value)
}
