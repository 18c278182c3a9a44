import { Argument, Option } from 'commander'
import { DisnixError, defineTool, plainSession } from '@disnix-ts/libmain'
import { operationOptions, requestFromOptions, requestOptions, selectedOperations, usageError, type RequestOptions } from '@disnix-ts/libinterface'
import { CONNECTION_FAILURES } from '../target-error.js'

export interface SshClientOptions extends RequestOptions {
  masterStatus?: boolean
}

export const disnixSshClient = defineTool<SshClientOptions, undefined, [paths: string[]]>({
  name: 'disnix-ssh-client',
  summary: 'Client interface that runs the operations on a target machine over SSH',
  usage: '--target host[:port] <operation> [options] [paths...]',
  session: plainSession,
  arguments: [new Argument('[paths...]', 'Store paths, snapshot ids or files the operation works on')],
  options: [
    ...operationOptions(),
    ...requestOptions({
      profile: new Option('-p, --profile <name>', 'Profile to use (forwarded only when given; the target otherwise uses its own default)'),
    }),
    new Option('--master-status', 'Print the state of the connection-sharing master for the target as JSON (exit 1 when none runs)'),
  ],
  environment: [
    { name: 'SSH_USER', meaning: 'Remote user (as user@host; default: -l/User from SSH_OPTS or ssh config, else the local user)' },
    {
      name: 'SSH_OPTS',
      meaning: [
        'Extra ssh options, split on white space: -p PORT, -i FILE, -F CONFIG, -l USER,',
        '-o Key=Value (Port, User, HostName, IdentityFile, IdentitiesOnly, UserKnownHostsFile,',
        'GlobalKnownHostsFile, StrictHostKeyChecking=yes|no|accept-new, ConnectTimeout,',
        'HostKeyAlias, ServerAliveInterval, ServerAliveCountMax). ~/.ssh/config and',
        '/etc/ssh/ssh_config are read unless -F is given (-F none: no config file).',
      ].join('\n'),
    },
    { name: 'DISNIX_REMOTE_CLIENT', meaning: 'Executable run on the target (default: disnix-run-activity; disnix-client for multi-user)' },
    { name: 'DISNIX_SSH_PERSIST', meaning: 'Seconds a connection-sharing master stays after its last use (default 60);\n0 = no sharing: one connection per invocation' },
    {
      name: 'DISNIX_SSH_SERVE',
      meaning: '1 (default): the master runs plain disnix-run-activity calls in one long-lived\n`disnix-run-activity --serve` per connection; 0: a remote process per call',
    },
    { name: 'SSH_AUTH_SOCK', meaning: 'ssh-agent socket used for authentication (besides ~/.ssh/id_ed25519, id_ecdsa, id_rsa)' },
    { name: 'XDG_RUNTIME_DIR', meaning: 'Master sockets live in $XDG_RUNTIME_DIR/disnix-ssh (else $TMPDIR/disnix-ssh-<uid>)' },
    { name: 'TMPDIR', meaning: 'Local directory for exported closures and snapshots (default /tmp, created if missing)' },
  ],
  sections: {
    'Host keys': [
      'The host key is checked against UserKnownHostsFile (~/.ssh/known_hosts) and GlobalKnownHostsFile',
      '(/etc/ssh/ssh_known_hosts), plain or hashed entries, [host]:port for ports other than 22. An unknown key',
      'fails with its fingerprint and the command that accepts it; a changed or revoked key always fails unless',
      'StrictHostKeyChecking=no (which prints a warning). accept-new adds unknown keys to known_hosts.',
    ],
  },
  exitStatuses: [
    { status: 0, meaning: 'the remote command succeeded' },
    { status: 'child', meaning: 'the exit status of the remote command', codes: ['REMOTE_COMMAND_FAILED'] },
    { status: 1, meaning: 'bad usage (missing --target, --type, operation, ...)' },
    {
      status: 255,
      meaning: 'the target could not be reached (unknown host, refused, timeout, host key, authentication)\nor the connection was lost',
      codes: CONNECTION_FAILURES,
    },
  ],
  async run({ opts, args: [paths], io }) {
    if (opts.target === undefined || opts.target === '') throw usageError('ERROR: A target address must be specified!')
    const operations = selectedOperations(opts)
    if (operations.length === 0 && !opts.masterStatus) throw usageError('ERROR: No operation specified!')
    if (operations.length > 1) throw usageError(`ERROR: Only one operation can be specified (got ${operations.map((o) => `--${o}`).join(', ')})`)
    if (opts.masterStatus) return printMasterStatus(opts.target, io)
    const [op] = operations
    const { requireFileLocation, runSshRequest } = await import('../run-ssh-request.js')
    requireFileLocation(op!, opts.localfile ? 'local' : opts.remotefile ? 'remote' : undefined)
    const request = requestFromOptions(op, opts, paths)
    const terminal = request.op === 'shell' && io.main ? shellTerminal(io.env) : undefined
    try {
      return await runSshRequest(opts.target, request, { env: io.env, stdout: io.stdout, stderr: io.stderr, signal: io.signal, terminal: terminal?.io })
    } finally {
      terminal?.restore()
    }
  },
})

async function printMasterStatus(target: string, io: { env: NodeJS.ProcessEnv; stdout: NodeJS.WritableStream }): Promise<void> {
  const [{ sshClientSettings }, { resolveConnection }, { masterSocketPath, queryMasterStatus }] = await Promise.all([
    import('../ssh-client-settings.js'),
    import('../resolve-connection.js'),
    import('../open-session.js'),
  ])
  const settings = sshClientSettings(io.env)
  const socket = masterSocketPath(resolveConnection({ target, ...settings.connection }), settings.runtimeDir)
  const status = socket === undefined ? undefined : await queryMasterStatus(socket)
  if (status === undefined) throw new DisnixError('MASTER_NOT_RUNNING', `[target: ${target}]: no connection-sharing master is running`)
  io.stdout.write(`${JSON.stringify({ ...status, socket })}\n`)
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
