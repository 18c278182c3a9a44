import { Option } from 'commander'
import { defineTool, DisnixError, interfaceOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'

export interface DisnixCopySnapshotsOptions extends CoordinatorOptions {
  to?: boolean
  from?: boolean
  target?: string
  container?: string
  component?: string
  all?: boolean
  interface: string
}

export const disnixCopySnapshots = defineTool<DisnixCopySnapshotsOptions, CoordinatorSession, []>({
  name: 'disnix-copy-snapshots',
  summary: "Copy the snapshots of one component between a target and the coordinator's snapshot store",
  session: coordinatorSession,
  options: [
    new Option('--to', 'Send the snapshots of the coordinator to the target').conflicts('from'),
    new Option('--from', "Retrieve the snapshots of the target into the coordinator's store"),
    new Option('-t, --target <key>', 'Address of the target (as the client interface takes it)'),
    new Option('-c, --container <name>', 'Container of the component'),
    new Option('-C, --component <name>', 'Component whose snapshots are copied'),
    new Option('--all', 'Copy every snapshot generation instead of only the latest'),
    interfaceOption(),
    new Option('--verbose', 'Plain progress lines even on a terminal'),
  ],
  sections: {
    Description: [
      'Generations are copied one by one in their order; snapshots the receiving side already holds are',
      'only registered again, not transferred. A transfer that breaks leaves no partial snapshot in either',
      'store; running the command again completes it. Snapshots sent with --to are checked against their',
      'checksums first.',
    ],
  },
  environment: [
    { name: 'DYSNOMIA_STATEDIR', meaning: "The coordinator's snapshot store (default: /var/state/dysnomia for root)" },
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
    { name: 'TMPDIR', meaning: 'Directory for temporary snapshot copies (default: /tmp)' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'copied' },
    { status: 1, meaning: 'bad usage, a failed transfer, or a corrupt snapshot' },
  ],
  async run({ opts, session }) {
    if (!opts.to && !opts.from) throw new DisnixError('USAGE', 'ERROR: Either --to or --from must be specified!')
    if (!opts.target) throw new DisnixError('USAGE', 'ERROR: A target address must be specified!')
    if (!opts.container) throw new DisnixError('USAGE', 'ERROR: A container must be specified!')
    if (!opts.component) throw new DisnixError('USAGE', 'ERROR: A component must be specified!')
    const { copySnapshotsFrom, copySnapshotsTo } = await import('@disnix-ts/libstatemgmt')
    const target = opts.target
    const call = { interface: opts.interface, target, signal: session.context.signal, stderr: session.context.interfaceStderr }
    const copy = opts.to ? copySnapshotsTo : copySnapshotsFrom
    await copy(call, {
      container: opts.container,
      component: opts.component,
      all: opts.all === true,
      targetName: target,
      progress: session.progress,
      tmpdir: session.context.tmpdir,
      signal: session.context.signal,
    })
  },
})
