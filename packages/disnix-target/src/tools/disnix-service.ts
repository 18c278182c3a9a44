import { Option } from 'commander'
import { defineTool, type Session } from '@disnix-ts/libmain'
import { TARGET_ENVIRONMENT } from '../target-session.js'

export interface DisnixServiceOptions {
  daemon?: boolean
  socket: string
  logDir: string
  pidFile: string
  logFile: string
  group: string
  sessionBus?: boolean
  daemonChild?: boolean
}

/** The daemon reports its own problems with its name, as it writes them to its general log. */
const serviceSession: Session<undefined> = {
  kind: 'target',
  errorPrefix: '[disnix-service]: ',
  open: () => undefined,
}

export const disnixService = defineTool<DisnixServiceOptions, undefined, []>({
  name: 'disnix-service',
  summary: 'The Disnix target daemon: carries out deployment activities for disnix-client',
  session: serviceSession,
  options: [
    new Option('-D, --daemon', 'Run in the background: detach, write the PID file, log to the log file'),
    new Option('--socket <path>', 'Unix socket to listen on').env('DISNIX_SERVICE_SOCKET').default('/run/disnix/service.sock'),
    new Option('--log-dir <dir>', 'Directory of the job logs (one file per job id)').default('/var/log/disnix'),
    new Option('--pid-file <file>', 'PID file written in daemon mode (must not exist)').default('/var/run/disnix-service.pid'),
    new Option('--log-file <file>', 'General log of daemon mode').default('/var/log/disnix.log'),
    new Option('--group <name>', 'Group whose members may use the socket (mode 0660); root-only (0600) if it does not exist').default('disnix'),
    new Option('--session-bus', 'Accepted for compatibility and ignored (the service listens on a Unix socket)'),
    new Option('--daemon-child', 'internal: the detached process of --daemon').hideHelp(),
  ],
  environment: [
    { name: 'DISNIX_PROFILE', meaning: 'Profile of requests that name none (default: default)' },
    ...TARGET_ENVIRONMENT.map((v) => (v.name === 'TMPDIR' ? { ...v, meaning: 'Temp files of exports and captured configs, lock files (default: /tmp)' } : v)),
  ],
  sections: {
    Notes: [
      'Requests are newline-delimited JSON on the Unix socket: the typed requests of the client-interface',
      'protocol. Each call gets a job id; its output goes to <log dir>/<id>, and numbering continues after',
      'a restart. Profile locks are taken in $TMPDIR/disnix-<profile>.lock. The administrator creates the',
      'group (groupadd disnix) and adds the users who may deploy; without the group the socket is',
      'accessible by root only. SIGTERM or SIGINT stops the service and removes the socket (and the PID file).',
    ],
  },
  exitStatuses: [
    { status: 0, meaning: 'stopped by SIGTERM/SIGINT (or, with --daemon, the daemon started)' },
    { status: 1, meaning: 'the service could not start' },
  ],
  async run({ opts, io }) {
    const { runDisnixService } = await import('../run-disnix-service.js')
    return runDisnixService({ ...opts, argv: process.argv.slice(1), env: io.env, stderr: io.stderr })
  },
})
