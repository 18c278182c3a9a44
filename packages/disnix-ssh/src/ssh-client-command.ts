import type { Writable } from 'node:stream'
import { Option, type Command } from 'commander'
import { collect, DisnixError, helpSections, nonNegativeInteger, runCommandLineInProcess, toolCommand } from '@disnix-ts/libmain'

const OPERATIONS: [flags: string, description: string][] = [
  ['--import', 'Import a closure (--localfile: stream the local file; --remotefile: a file on the target)'],
  ['--export', 'Export the closure of the paths (--remotefile: into a local temp file, whose path is printed)'],
  ['--print-invalid', 'Print the given store paths that are not valid on the target'],
  ['-r, --realise', 'Realise the given derivations on the target'],
  ['--set', 'Set the target profile to the given store path'],
  ['-q, --query-installed', 'Print the profile manifest of the target profile'],
  ['--query-requisites', 'Print the closure of the given paths on the target'],
  ['--collect-garbage', 'Collect garbage on the target (-d: delete old generations first)'],
  ['--activate', 'Activate a service (needs --type)'],
  ['--deactivate', 'Deactivate a service (needs --type)'],
  ['--delete-state', 'Delete the state of a service (needs --type)'],
  ['--snapshot', 'Snapshot the state of a service (needs --type)'],
  ['--restore', 'Restore the state of a service (needs --type)'],
  ['--lock', 'Acquire the profile lock on the target'],
  ['--unlock', 'Release the profile lock on the target'],
  ['--shell', 'Open an interactive shell in the environment of a service (always disnix-run-activity)'],
  ['--capture-config', "Print the target's Dysnomia container configuration as a Nix expression"],
  ['--clean-snapshots', 'Remove old snapshot generations (--keep N)'],
  ['--query-all-snapshots', 'Print all snapshot ids of a container/component'],
  ['--query-latest-snapshot', 'Print the latest snapshot id of a container/component'],
  ['--print-missing-snapshots', 'Print the given snapshot ids that the target does not have'],
  ['--import-snapshots', 'Import snapshots (--localfile: stream local directories; --remotefile: paths on the target)'],
  ['--resolve-snapshots', 'Print the absolute target paths of the given snapshot ids'],
  ['--export-snapshots', 'Copy remote snapshot directories into local temp dirs, whose paths are printed'],
]

interface CliOptions {
  target?: string
  profile?: string
  deleteOld?: boolean
  container?: string
  component?: string
  type?: string
  arguments: string[]
  localfile?: boolean
  remotefile?: boolean
  keep: number
  command?: string
  masterStatus?: boolean
  [operation: string]: unknown
}

/** Where one run of the disnix-ssh-client command line reads its environment and writes its output. */
export interface SshClientCommandIo {
  env: NodeJS.ProcessEnv
  stdout: Writable
  stderr: Writable
  /** The executable has a terminal for `--shell`; in-process callers have none. */
  terminal?: boolean
  /** Aborting closes the connection, as killing the executable would (in-process callers). */
  signal?: AbortSignal
}

/** The command line of disnix-ssh-client (spec §3.2), with its help text. */
export function sshClientCommand(io: SshClientCommandIo, onStatus: (status: number) => void): Command {
  const program = toolCommand('disnix-ssh-client', 'Client interface that runs the operations on a target machine over SSH')
  program
    .usage('--target host[:port] <operation> [options] [paths...]')
    .argument('[paths...]', 'Store paths, snapshot ids or files the operation works on')
  for (const [flags, description] of OPERATIONS) program.addOption(new Option(flags, description))
  program
    .addOption(new Option('-t, --target <address>', 'Address of the target: host, host:port or [ipv6]:port (optionally user@host)'))
    .addOption(new Option('--localfile', 'The files are on this machine (import, import-snapshots); export prints the remote path'))
    .addOption(new Option('--remotefile', 'The files are on the target (import, import-snapshots); export copies the closure here'))
    .addOption(new Option('-p, --profile <name>', 'Profile to use (forwarded only when given; the target otherwise uses its own default)'))
    .addOption(new Option('-d, --delete-old', 'With --collect-garbage: delete old profile generations'))
    .addOption(new Option('--type <type>', 'Type (Dysnomia module) of the service'))
    .addOption(new Option('-C, --container <name>', 'Container of the service (default: the type)'))
    .addOption(new Option('-c, --component <name>', 'Component name for the snapshot operations'))
    .addOption(new Option('--arguments <key=value>', 'Activation argument for the module (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--keep <n>', 'With --clean-snapshots: generations to keep').default(1).argParser(nonNegativeInteger))
    .addOption(new Option('--command <cmd>', 'With --shell: run this command instead of an interactive shell'))
    .addOption(new Option('--master-status', 'Print the state of the connection-sharing master for the target as JSON (exit 1 when none runs)'))
    .addHelpText(
      'after',
      helpSections({
        Environment: [
          'SSH_USER              Remote user (as user@host; default: -l/User from SSH_OPTS or ssh config, else the local user)',
          'SSH_OPTS              Extra ssh options, split on white space: -p PORT, -i FILE, -F CONFIG, -l USER,',
          '                      -o Key=Value (Port, User, HostName, IdentityFile, IdentitiesOnly, UserKnownHostsFile,',
          '                      GlobalKnownHostsFile, StrictHostKeyChecking=yes|no|accept-new, ConnectTimeout,',
          '                      HostKeyAlias, ServerAliveInterval, ServerAliveCountMax). ~/.ssh/config and',
          '                      /etc/ssh/ssh_config are read unless -F is given (-F none: no config file).',
          'DISNIX_REMOTE_CLIENT  Executable run on the target (default: disnix-run-activity; disnix-client for multi-user)',
          'DISNIX_SSH_PERSIST    Seconds a connection-sharing master stays after its last use (default 60);',
          '                      0 = no sharing: one connection per invocation',
          'DISNIX_SSH_SERVE      1 (default): the master runs plain disnix-run-activity calls in one long-lived',
          '                      `disnix-run-activity --serve` per connection; 0: a remote process per call',
          'SSH_AUTH_SOCK         ssh-agent socket used for authentication (besides ~/.ssh/id_ed25519, id_ecdsa, id_rsa)',
          'XDG_RUNTIME_DIR       Master sockets live in $XDG_RUNTIME_DIR/disnix-ssh (else $TMPDIR/disnix-ssh-<uid>)',
          'TMPDIR                Local directory for exported closures and snapshots (default /tmp, created if missing)',
        ],
        'Host keys': [
          'The host key is checked against UserKnownHostsFile (~/.ssh/known_hosts) and GlobalKnownHostsFile',
          '(/etc/ssh/ssh_known_hosts), plain or hashed entries, [host]:port for ports other than 22. An unknown key',
          'fails with its fingerprint and the command that accepts it; a changed or revoked key always fails unless',
          'StrictHostKeyChecking=no (which prints a warning). accept-new adds unknown keys to known_hosts.',
        ],
        'Exit status': [
          '0     the remote command succeeded',
          'N     the exit status of the remote command',
          '1     bad usage (missing --target, --type, operation, ...)',
          '255   the target could not be reached (unknown host, refused, timeout, host key, authentication)',
          '      or the connection was lost',
        ],
      }),
    )
    .action(async (paths: string[], opts: CliOptions) => {
      onStatus(await run(paths, opts, io))
    })
  if (!io.terminal) program.configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
  return program
}

/**
 * Runs one disnix-ssh-client command line in this process (a coordinator calling its configured
 * interface in-process, ARCHITECTURE §5) and returns the exit status the executable would have, with
 * the same output and messages.
 */
export async function runSshClientCommand(argv: readonly string[], io: SshClientCommandIo): Promise<number> {
  return runCommandLineInProcess((onStatus) => sshClientCommand({ ...io, terminal: false }, onStatus), argv, io.stderr)
}

async function run(paths: string[], opts: CliOptions, io: SshClientCommandIo): Promise<number> {
  const env = io.env
  const operations = OPERATIONS.map(([flags]) => flags.replace(/^.*--/, '')).filter((op) => opts[camelCase(op)] === true)
  if (opts.target === undefined || opts.target === '') throw new DisnixError('USAGE', 'ERROR: A target address must be specified!')
  if (operations.length === 0 && !opts.masterStatus) throw new DisnixError('USAGE', 'ERROR: No operation specified!')
  if (operations.length > 1) throw new DisnixError('USAGE', `ERROR: Only one operation can be specified (got ${operations.map((o) => `--${o}`).join(', ')})`)
  const [{ SSH_CLIENT_OPERATIONS, validateRequest }, { resolveConnection }, { homedir, userInfo }] = await Promise.all([
    import('./ssh-client-request.js'),
    import('./resolve-connection.js'),
    import('node:os'),
  ])
  const operation = SSH_CLIENT_OPERATIONS.find((op) => op === operations[0])
  const request = {
    operation: operation ?? 'print-invalid',
    target: opts.target,
    paths,
    profile: opts.profile,
    deleteOld: opts.deleteOld === true,
    container: opts.container,
    component: opts.component,
    type: opts.type,
    arguments: opts.arguments,
    localfile: opts.localfile === true,
    remotefile: opts.remotefile === true,
    keep: opts.keep,
    command: opts.command,
    remoteClient: env.DISNIX_REMOTE_CLIENT || 'disnix-run-activity',
  }
  validateRequest(request)
  const params = resolveConnection({
    target: opts.target,
    sshUser: env.SSH_USER,
    sshOpts: env.SSH_OPTS,
    localUser: userInfo().username,
    home: env.HOME || homedir(),
    agentSocket: env.SSH_AUTH_SOCK,
  })
  const tmpDir = env.TMPDIR || '/tmp'
  const runtimeDir = env.XDG_RUNTIME_DIR ? `${env.XDG_RUNTIME_DIR}/disnix-ssh` : `${tmpDir}/disnix-ssh-${process.getuid?.() ?? 0}`
  const persistSeconds = parsePersist(env.DISNIX_SSH_PERSIST)
  const sessions = await import('./open-session.js')
  if (opts.masterStatus) {
    const socket = sessions.masterSocketPath(params, runtimeDir)
    const status = socket === undefined ? undefined : await sessions.queryMasterStatus(socket)
    if (status === undefined) throw new DisnixError('MASTER_NOT_RUNNING', `[target: ${opts.target}]: no connection-sharing master is running`)
    io.stdout.write(`${JSON.stringify({ ...status, socket })}\n`)
    return 0
  }
  const session = await sessions.openSession(params, { persistSeconds, runtimeDir, onWarning: (m) => void io.stderr.write(`${m}\n`) })
  const { runSshClientOperation } = await import('./run-ssh-client-operation.js')
  const terminal = request.operation === 'shell' && io.terminal ? shellTerminal(env) : undefined
  const abort = (): void => session.close()
  io.signal?.addEventListener('abort', abort, { once: true })
  try {
    return await runSshClientOperation(request, session, { stdout: io.stdout, stderr: io.stderr, tmpDir, serve: env.DISNIX_SSH_SERVE !== '0', ...terminal?.io })
  } finally {
    io.signal?.removeEventListener('abort', abort)
    terminal?.restore()
    session.close()
  }
}

/** `--shell` gets a pseudo-terminal (like ssh -tt); a local terminal goes into raw mode while it runs. */
function shellTerminal(env: NodeJS.ProcessEnv) {
  const stdin = process.stdin
  const raw = stdin.isTTY === true
  if (raw) stdin.setRawMode(true)
  return {
    io: {
      stdin,
      pty: { rows: process.stdout.rows || 24, cols: process.stdout.columns || 80, term: env.TERM || 'vt100' },
      watchResize: (apply: (rows: number, cols: number) => void) => {
        const listener = (): void => apply(process.stdout.rows || 24, process.stdout.columns || 80)
        process.stdout.on('resize', listener)
        return () => process.stdout.off('resize', listener)
      },
    },
    restore: () => {
      if (raw) stdin.setRawMode(false)
      stdin.pause()
      stdin.destroy()
    },
  }
}

function parsePersist(value: string | undefined): number {
  if (value === undefined || value === '') return 60
  if (!/^\d+$/.test(value)) throw new DisnixError('SETTING_INVALID', `ERROR: DISNIX_SSH_PERSIST must be a number of seconds, not '${value}'`)
  return Number(value)
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
}
