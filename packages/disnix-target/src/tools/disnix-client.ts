import { Argument, Option } from 'commander'
import { defineTool, plainSession, profileOption } from '@disnix-ts/libmain'
import { checkProfile, lastOperation, operationOptions, requestFromOptions, requestOptions, trackOperationOrder, usageError, type RequestOptions } from '@disnix-ts/libinterface'

export interface DisnixClientOptions extends RequestOptions {
  socket: string
  sessionBus?: boolean
}

export const disnixClient = defineTool<DisnixClientOptions, undefined, [paths: string[]]>({
  name: 'disnix-client',
  summary: 'Carries out one deployment activity through the local disnix-service (multi-user client)',
  session: plainSession,
  arguments: [new Argument('[paths...]', 'Store paths, closure files or snapshot ids the operation works on')],
  options: [
    ...operationOptions(),
    ...requestOptions({
      target: 'Target to connect to (ignored: this client only talks to the local service)',
      localfile: 'The given paths are on this machine (accepted and ignored)',
      remotefile: 'The given paths are on the target (accepted and ignored)',
      // The protocol's check, with its message: the same refusal as a served request's.
      profile: profileOption().argParser(checkProfile),
    }),
    new Option('--socket <path>', 'Socket of disnix-service').env('DISNIX_SERVICE_SOCKET').default('/run/disnix/service.sock'),
    new Option('--session-bus', 'Accepted for compatibility and ignored (the service listens on a Unix socket)'),
  ],
  configure: trackOperationOrder,
  sections: {
    Notes: [
      'Same operations and options as disnix-run-activity, except --shell, which is unsupported.',
      'The service runs the activity as its own user (root); results are printed one per line.',
      'When the activity fails, its job log (<log dir>/<job id> on this machine) is copied to stderr.',
      'Only root and members of the group disnix can use the service.',
    ],
  },
  exitStatuses: [
    { status: 0, meaning: 'the activity succeeded' },
    { status: 1, meaning: 'bad usage, the service cannot be reached, or the activity failed' },
  ],
  async run({ opts, args: [paths], io }) {
    const op = lastOperation(opts)
    if (op === 'shell') throw usageError('ERROR: This operation is unsupported by this client!')
    const request = requestFromOptions(op, opts, paths, { checkProfile: true })
    if (request.op === 'shell') throw usageError('ERROR: This operation is unsupported by this client!')
    const [{ callDisnixService, JobFailedError }, { readFile }] = await Promise.all([import('../service-client.js'), import('node:fs/promises')])
    // A secret goes to the service as content, read here from its file or from stdin.
    const sent = request.op === 'put-secret' ? await (await import('../target-secrets.js')).withSecretContent(request, process.stdin) : request
    try {
      const outcome = await callDisnixService(opts.socket, sent, { signal: io.signal })
      if (outcome.type === 'success') for (const line of outcome.lines) io.stdout.write(`${line}\n`)
    } catch (error) {
      if (!(error instanceof JobFailedError)) throw error
      const log = await readFile(error.logFile, 'utf8').catch((cause: Error) => `${error.message}\n(cannot read the job log ${error.logFile}: ${cause.message})\n`)
      io.stderr.write(log)
      return 1
    }
  },
})
