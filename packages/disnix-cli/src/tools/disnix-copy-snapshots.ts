import { Option } from 'commander'
import { DisnixError, helpSections, interfaceOption, runTool, toolCommand } from '@disnix-ts/libmain'

interface Options {
  to?: boolean
  from?: boolean
  target?: string
  container?: string
  component?: string
  all?: boolean
  interface: string
  verbose?: boolean
}

const program = toolCommand('disnix-copy-snapshots', 'Copy the snapshots of one component between a target and the coordinator\'s snapshot store')
  .addOption(new Option('--to', 'Send the snapshots of the coordinator to the target').conflicts('from'))
  .addOption(new Option('--from', 'Retrieve the snapshots of the target into the coordinator\'s store'))
  .option('-t, --target <key>', 'Address of the target (as the client interface takes it)')
  .addOption(new Option('-c, --container <name>', 'Container of the component'))
  .addOption(new Option('-C, --component <name>', 'Component whose snapshots are copied'))
  .option('--all', 'Copy every snapshot generation instead of only the latest')
  .addOption(interfaceOption())
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Generations are copied one by one in their order; snapshots the receiving side already holds are',
        'only registered again, not transferred. A transfer that breaks leaves no partial snapshot in either',
        'store; running the command again completes it. Snapshots sent with --to are checked against their',
        'checksums first.',
      ],
      Environment: [
        'DISNIX_CLIENT_INTERFACE  Default client interface (default: disnix-ssh-client)',
        'DYSNOMIA_STATEDIR        The coordinator\'s snapshot store (default: /var/state/dysnomia for root)',
        'SSH_OPTS, SSH_USER       Passed on to disnix-ssh-client',
        'TMPDIR                   Directory for temporary snapshot copies (default: /tmp)',
      ],
      'Exit status': ['0  copied', '1  bad usage, a failed transfer, or a corrupt snapshot'],
    }),
  )
  .action(async (opts: Options) => {
    if (!opts.to && !opts.from) throw new DisnixError('USAGE', 'ERROR: Either --to or --from must be specified!')
    if (!opts.target) throw new DisnixError('USAGE', 'ERROR: A target address must be specified!')
    if (!opts.container) throw new DisnixError('USAGE', 'ERROR: A container must be specified!')
    if (!opts.component) throw new DisnixError('USAGE', 'ERROR: A component must be specified!')
    const [{ copySnapshotsFrom, copySnapshotsTo }, { withCoordinatorSession }] = await Promise.all([
      import('@disnix-ts/libstatemgmt'),
      import('../cli/coordinator-context.js'),
    ])
    const target = opts.target
    await withCoordinatorSession(opts, async (session) => {
      const call = { interface: opts.interface, target, signal: session.context.signal, stderr: session.context.interfaceStderr }
      const copy = opts.to ? copySnapshotsTo : copySnapshotsFrom
      await copy(call, {
        container: opts.container!,
        component: opts.component!,
        all: opts.all === true,
        targetName: target,
        progress: session.progress,
        tmpdir: session.context.tmpdir,
        signal: session.context.signal,
      })
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
