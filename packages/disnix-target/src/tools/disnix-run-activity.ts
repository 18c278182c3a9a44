import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addActivityOptions, type ActivityCliOptions } from '../activity-options.js'

const program = toolCommand('disnix-run-activity', 'Carries out one deployment activity directly on this machine (single-user client)')
const operation = addActivityOptions(program)

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
        '1  bad usage, or the activity failed; a failing child command\'s own exit status is kept',
      ],
    }),
  )
  .action(async (paths: string[], opts: ActivityCliOptions) => {
    const { requestFromCli } = await import('../activity-options.js')
    const { executeTargetRequest, runShell } = await import('../execute-target-request.js')
    const { localTargetContext } = await import('../local-target-context.js')
    const { printTargetResult } = await import('../print-target-result.js')
    const request = requestFromCli(operation.selected(), opts, paths)
    const ctx = localTargetContext({
      env: process.env,
      stdout: 'inherit',
      stderr: 'inherit',
      log: (line) => void process.stderr.write(`${line}\n`),
    })
    if (request.op === 'shell') {
      process.exitCode = await runShell(ctx, request.activity, request.command)
      return
    }
    printTargetResult(await executeTargetRequest(request, ctx), process.stdout)
  })

await runTool(program, { errorPrefix: '' })
