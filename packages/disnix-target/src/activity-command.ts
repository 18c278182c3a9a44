import type { Writable } from 'node:stream'
import type { Command } from 'commander'
import { DisnixError, helpSections, runCommandLineInProcess, toolCommand } from '@disnix-ts/libmain'
import { addActivityOptions, type ActivityCliOptions } from './activity-options.js'

/**
 * Where one run of the disnix-run-activity command line sends its output: this process's own stdio
 * (the executable; children write straight into our descriptors), or the streams of one request of a
 * `--serve` session.
 */
export type ActivityOutput = 'inherit' | { stdout: Writable; stderr: Writable }

export interface ActivityCommandOptions {
  env: NodeJS.ProcessEnv
  output: ActivityOutput
  /** Receives the exit status of an action that did not throw. */
  onStatus: (status: number) => void
  /** `--serve`: offered only by the executable, never inside a served request. */
  serve?: () => Promise<number>
}

/** The command line of disnix-run-activity (spec §3.3), with its help text. */
export function activityCommand(options: ActivityCommandOptions): Command {
  const program = toolCommand('disnix-run-activity', 'Carries out one deployment activity directly on this machine (single-user client)')
  const operation = addActivityOptions(program)
  program.option(
    '--serve',
    'Serve requests (command lines of this tool) as frames on stdin/stdout until stdin ends: what the connection-sharing master of disnix-ssh-client runs once per connection instead of a process per call',
  )
  if (options.output !== 'inherit') {
    const { stdout, stderr } = options.output
    program.configureOutput({ writeOut: (text) => void stdout.write(text), writeErr: (text) => void stderr.write(text) })
  }
  program
    .addHelpText(
      'after',
      helpSections({
        Notes: [
          'Exactly one operation is carried out; when several are given, the last one wins.',
          '--export and --capture-config print the path of a temp file in $TMPDIR holding the result.',
          '--lock/--unlock use the lock file $TMPDIR/disnix-<profile>.lock and notify every service of',
          'the profile manifest through Dysnomia (up to 4 at once; output kept in service order).',
          'Profiles live in /nix/var/nix/profiles/disnix (root) or /nix/var/nix/profiles/per-user/<user>/disnix.',
          '--serve runs each request exactly as this command line would run it (same output, same exit',
          'status), several at once; --shell cannot be served (it needs a terminal).',
        ],
        Environment: [
          'DISNIX_PROFILE            Default profile name (default: default)',
          'TMPDIR                    Where temp files and lock files go (default: /tmp)',
          'DYSNOMIA_MODULES_PATH     Extra Dysnomia module directories, searched before the bundled ones',
          'DYSNOMIA_CONTAINERS_PATH  Dysnomia container configuration directories',
          'DYSNOMIA_STATEDIR         Dysnomia state and snapshot store (default: /var/state/dysnomia)',
          'DYSNOMIA_PROPERTIES       Machine properties used by --capture-config',
          'NIX_PATH, NIX_CONFIG      Passed to the Nix commands',
        ],
        'Exit status': [
          '0  the activity succeeded',
          "1  bad usage, or the activity failed; a failing child command's own exit status is kept",
        ],
      }),
    )
    .action(async (paths: string[], opts: ActivityCliOptions & { serve?: boolean }) => {
      if (opts.serve) {
        if (!options.serve) throw usage('ERROR: --serve cannot be used inside a served request')
        options.onStatus(await options.serve())
        return
      }
      const { requestFromCli } = await import('./activity-options.js')
      const { executeTargetRequest, runShell } = await import('./execute-target-request.js')
      const { localTargetContext } = await import('./local-target-context.js')
      const { printTargetResult } = await import('./print-target-result.js')
      const request = requestFromCli(operation.selected(), opts, paths)
      const output = options.output
      const stderr = output === 'inherit' ? process.stderr : output.stderr
      const ctx = localTargetContext({
        env: options.env,
        stdout: output === 'inherit' ? 'inherit' : output.stdout,
        stderr: output === 'inherit' ? 'inherit' : output.stderr,
        log: (line) => void stderr.write(`${line}\n`),
      })
      if (request.op === 'shell') {
        if (output !== 'inherit') throw usage('ERROR: --shell needs a terminal and cannot be served')
        options.onStatus(await runShell(ctx, request.activity, request.command))
        return
      }
      printTargetResult(await executeTargetRequest(request, ctx), output === 'inherit' ? process.stdout : output.stdout)
      options.onStatus(0)
    })
  return program
}

/**
 * Runs one disnix-run-activity command line in this process, with its output on the given streams,
 * and returns the exit status the executable would have: the same messages (runTool's error mapping,
 * no prefix) and the same statuses.
 */
export async function runActivityCommand(argv: readonly string[], env: NodeJS.ProcessEnv, stdout: Writable, stderr: Writable): Promise<number> {
  return runCommandLineInProcess((onStatus) => activityCommand({ env, output: { stdout, stderr }, onStatus }), argv, stderr)
}

function usage(message: string): DisnixError {
  return new DisnixError('USAGE', message, { exitCode: 1 })
}
