import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'

const program = toolCommand('disnix-service', 'The Disnix target daemon: carries out deployment activities for disnix-client')
program
  .option('-D, --daemon', 'Run in the background: detach, write the PID file, log to the log file')
  .addOption(program.createOption('--socket <path>', 'Unix socket to listen on').env('DISNIX_SERVICE_SOCKET').default('/run/disnix/service.sock'))
  .option('--log-dir <dir>', 'Directory of the job logs (one file per job id)', '/var/log/disnix')
  .option('--pid-file <file>', 'PID file written in daemon mode (must not exist)', '/var/run/disnix-service.pid')
  .option('--log-file <file>', 'General log of daemon mode', '/var/log/disnix.log')
  .option('--group <name>', 'Group whose members may use the socket (mode 0660); root-only (0600) if it does not exist', 'disnix')
  .option('--session-bus', 'Accepted for compatibility and ignored (the service listens on a Unix socket)')
  .addOption(program.createOption('--daemon-child', 'internal: the detached process of --daemon').hideHelp())
  .addHelpText(
    'after',
    helpSections({
      Notes: [
        'Requests are newline-delimited JSON on the Unix socket. Each call gets a job id; its output goes',
        'to <log dir>/<id>, and numbering continues after a restart. Profile locks are taken in',
        '$TMPDIR/disnix-<profile>.lock. The administrator creates the group (groupadd disnix) and adds',
        'the users who may deploy; without the group the socket is accessible by root only.',
        'SIGTERM or SIGINT stops the service and removes the socket (and the PID file).',
      ],
      Environment: [
        'DISNIX_SERVICE_SOCKET     Socket to listen on (default: /run/disnix/service.sock)',
        'TMPDIR                    Temp files of exports and captured configs, lock files (default: /tmp)',
        'DYSNOMIA_MODULES_PATH, DYSNOMIA_CONTAINERS_PATH, DYSNOMIA_STATEDIR, NIX_PATH, NIX_CONFIG',
        '                          Passed to the Dysnomia and Nix commands of the jobs',
      ],
      'Exit status': ['0  stopped by SIGTERM/SIGINT (or, with --daemon, the daemon started)', '1  the service could not start'],
    }),
  )
  .action(async (opts: ServiceOptions) => {
    const { runDisnixService } = await import('../run-disnix-service.js')
    process.exitCode = await runDisnixService({ ...opts, argv: process.argv.slice(1), env: process.env, stderr: process.stderr })
  })

interface ServiceOptions {
  daemon?: boolean
  socket: string
  logDir: string
  pidFile: string
  logFile: string
  group: string
  daemonChild?: boolean
}

await runTool(program, { errorPrefix: '[disnix-service]: ' })
