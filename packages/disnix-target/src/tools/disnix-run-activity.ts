import { Argument, Option } from 'commander'
import { defineTool, errorReport, profileOption, type ToolDefinition } from '@disnix-ts/libmain'
import { checkProfile, lastOperation, operationOptions, requestFromOptions, requestOptions, trackOperationOrder, usageError, type RequestOptions } from '@disnix-ts/libinterface'
import { targetSession, type TargetSession } from '../target-session.js'

export interface RunActivityOptions extends RequestOptions {
  serve?: boolean
}

export const disnixRunActivity: ToolDefinition<RunActivityOptions, TargetSession, [paths: string[]]> = defineTool<RunActivityOptions, TargetSession, [paths: string[]]>({
  name: 'disnix-run-activity',
  summary: 'Carries out one deployment activity directly on this machine (single-user client)',
  session: targetSession,
  arguments: [new Argument('[paths...]', 'Store paths, closure files or snapshot ids the operation works on')],
  options: [
    ...operationOptions(),
    ...requestOptions({
      target: 'Target to connect to (ignored: this client only executes locally)',
      localfile: 'The given paths are on this machine (accepted and ignored)',
      remotefile: 'The given paths are on the target (accepted and ignored)',
      // The protocol's check, with its message: the same refusal as a served request's.
      profile: profileOption().argParser(checkProfile),
    }),
    new Option(
      '--serve',
      'Serve typed requests as frames on stdin/stdout until stdin ends: what the connection-sharing master of disnix-ssh-client runs once per connection instead of a process per call',
    ),
  ],
  configure: trackOperationOrder,
  sections: {
    Notes: [
      'Exactly one operation is carried out; when several are given, the last one wins.',
      '--export and --capture-config print the path of a temp file in $TMPDIR holding the result.',
      '--lock/--unlock use the lock file $TMPDIR/disnix-<profile>.lock and notify every service of',
      'the profile manifest through Dysnomia (up to 4 at once; output kept in service order).',
      'Profiles live in /nix/var/nix/profiles/disnix (root) or /nix/var/nix/profiles/per-user/<user>/disnix.',
      '--serve runs each request exactly as this command line would run it (same output, same exit',
      'status), several at once; the shell cannot be served (it needs a terminal).',
    ],
  },
  exitStatuses: [
    { status: 0, meaning: 'the activity succeeded' },
    { status: 1, meaning: 'bad usage, or the activity failed' },
    { status: 'child', meaning: "a failing child command's own exit status", codes: ['COMMAND_FAILED'] },
  ],
  async run({ opts, args: [paths], session, io }) {
    if (opts.serve) {
      if (!io.main) throw usageError('ERROR: --serve cannot be used inside a served request')
      const { serveRequests } = await import('../serve-requests.js')
      return serveRequests({ input: process.stdin, output: io.stdout, env: io.env, report: (error) => errorReport(disnixRunActivity, error) })
    }
    const request = requestFromOptions(lastOperation(opts), opts, paths, { checkProfile: true })
    const { runShell, runTargetRequest } = await import('../execute-target-request.js')
    if (request.op === 'shell') {
      if (!io.main) throw usageError('ERROR: --shell needs a terminal and cannot be served')
      return runShell(session.context, request, request.command)
    }
    // A secret without a file comes on stdin (what a transport sends), never on the command line.
    const full = request.op === 'put-secret' && request.file === undefined ? await (await import('../target-secrets.js')).withSecretContent(request, process.stdin) : request
    await runTargetRequest(full, session.context, io.stdout)
  },
})
