import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addActivityOptions, type ActivityCliOptions } from '../activity-options.js'

const program = toolCommand('disnix-client', 'Carries out one deployment activity through the local disnix-service (multi-user client)')
const operation = addActivityOptions(program)

program
  .addOption(program.createOption('--socket <path>', 'Socket of disnix-service').env('DISNIX_SERVICE_SOCKET').default('/run/disnix/service.sock'))
  .option('--session-bus', 'Accepted for compatibility and ignored (the service listens on a Unix socket)')
  .addHelpText(
    'after',
    helpSections({
      Notes: [
        'Same operations and options as disnix-run-activity, except --shell, which is unsupported.',
        'The service runs the activity as its own user (root); results are printed one per line.',
        'When the activity fails, its job log (<log dir>/<job id> on this machine) is copied to stderr.',
        'Only root and members of the group disnix can use the service.',
      ],
      Environment: [
        'DISNIX_SERVICE_SOCKET  Socket of disnix-service (default: /run/disnix/service.sock)',
        'DISNIX_PROFILE         Default profile name (default: default)',
      ],
      'Exit status': ['0  the activity succeeded', '1  bad usage, the service cannot be reached, or the activity failed'],
    }),
  )
  .action(async (paths: string[], opts: ActivityCliOptions & { socket: string }) => {
    const { DisnixError } = await import('@disnix-ts/libmain')
    const { requestFromCli } = await import('../activity-options.js')
    const { callDisnixService, JobFailedError } = await import('../service-client.js')
    const { readFile } = await import('node:fs/promises')
    const op = operation.selected()
    if (op === 'shell') throw new DisnixError('USAGE', 'ERROR: This operation is unsupported by this client!')
    const request = requestFromCli(op, opts, paths)
    if (request.op === 'shell') throw new DisnixError('USAGE', 'ERROR: This operation is unsupported by this client!')
    try {
      const outcome = await callDisnixService(opts.socket, request)
      if (outcome.type === 'success') for (const line of outcome.lines) process.stdout.write(`${line}\n`)
    } catch (error) {
      if (!(error instanceof JobFailedError)) throw error
      const log = await readFile(error.logFile, 'utf8').catch((cause: Error) => `${error.message}\n(cannot read the job log ${error.logFile}: ${cause.message})\n`)
      process.stderr.write(log)
      process.exitCode = 1
    }
  })

await runTool(program, { errorPrefix: '' })
