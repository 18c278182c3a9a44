import { Option } from 'commander'
import { defineTool, DisnixError, interfaceOption, profileOption, withPhase } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'
import { SNAPSHOT_STORE_VARIABLE, snapshotStoreOf } from '../cli/state-options.js'

export interface DisnixCopySnapshotsOptions extends CoordinatorOptions {
  to?: boolean
  from?: boolean
  fromProfile?: string
  target?: string
  container?: string
  component?: string
  all?: boolean
  interface: string
  profile: string
}

export const disnixCopySnapshots = defineTool<DisnixCopySnapshotsOptions, CoordinatorSession, []>({
  name: 'disnix-copy-snapshots',
  summary: "Copy snapshots between a target and the coordinator's snapshot store, or between the stores of two profiles",
  session: coordinatorSession,
  options: [
    new Option('--to', 'Send the snapshots of the coordinator to the target').conflicts(['from', 'fromProfile']),
    new Option('--from', "Retrieve the snapshots of the target into the coordinator's store").conflicts('fromProfile'),
    new Option('--from-profile <name>', "Copy the snapshots of that profile's store on the coordinator into the store of --profile"),
    new Option('-t, --target <key>', 'Address of the target (as the client interface takes it)'),
    new Option('-c, --container <name>', 'Container of the component'),
    new Option('-C, --component <name>', 'Component whose snapshots are copied'),
    new Option('--all', 'Copy every snapshot generation instead of only the latest'),
    profileOption(),
    interfaceOption(),
  ],
  sections: {
    Description: [
      'Generations are copied one by one in their order; snapshots the receiving side already holds are',
      'only registered again, not transferred. A transfer that breaks leaves no partial snapshot in either',
      'store; running the command again completes it. Snapshots sent with --to are checked against their',
      'checksums first.',
      '',
      "The coordinator keeps one snapshot store per profile (--profile, default: default); see",
      'docs/state.md. --from-profile A copies the latest (or, with --all, every) snapshot of every',
      "component of profile A's store (or only of -c/-C) into the store of --profile, which is how",
      'state moves from one deployment to another: disnix-snapshot -p A; disnix-copy-snapshots',
      '--from-profile A -p B; disnix-restore -p B --no-upgrade.',
    ],
  },
  environment: [
    SNAPSHOT_STORE_VARIABLE,
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
    { name: 'TMPDIR', meaning: 'Directory for temporary snapshot copies (default: /tmp)' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'copied' },
    { status: 1, meaning: 'bad usage, a failed transfer, or a corrupt snapshot' },
  ],
  async run({ opts, session, io }) {
    const store = await snapshotStoreOf(opts.profile, io)
    if (opts.fromProfile !== undefined) {
      if (opts.fromProfile === opts.profile) throw new DisnixError('USAGE', `ERROR: --from-profile and --profile name the same profile: ${opts.profile}`)
      const { copyBetweenStores } = await import('@disnix-ts/libstatemgmt')
      const from = await snapshotStoreOf(opts.fromProfile, io)
      const copied = await withPhase(session.progress, 'copy-snapshots', () =>
        copyBetweenStores({ from, to: store, container: opts.container, component: opts.component, all: opts.all === true, signal: session.context.signal }),
      )
      const what = copied.length === 0 ? 'No snapshots to copy' : `Copied ${copied.length} snapshot${copied.length === 1 ? '' : 's'}`
      session.progress({ kind: 'message', text: `${what} from the store of profile: ${opts.fromProfile} (${from}) into the store of profile: ${opts.profile} (${store})` })
      for (const id of copied) session.progress({ kind: 'message', text: `  ${id}` })
      return
    }
    if (!opts.to && !opts.from) throw new DisnixError('USAGE', 'ERROR: Either --to, --from or --from-profile must be specified!')
    if (!opts.target) throw new DisnixError('USAGE', 'ERROR: A target address must be specified!')
    if (!opts.container) throw new DisnixError('USAGE', 'ERROR: A container must be specified!')
    if (!opts.component) throw new DisnixError('USAGE', 'ERROR: A component must be specified!')
    const { copySnapshotsFrom, copySnapshotsTo } = await import('@disnix-ts/libstatemgmt')
    const target = opts.target
    const call = { interface: opts.interface, target, signal: session.context.signal, stderr: session.context.interfaceStderr }
    const copy = opts.to ? copySnapshotsTo : copySnapshotsFrom
    await withPhase(session.progress, 'copy-snapshots', () =>
      copy(call, {
        container: opts.container!,
        component: opts.component!,
        all: opts.all === true,
        targetName: target,
        progress: session.progress,
        tmpdir: session.context.tmpdir,
        env: { DYSNOMIA_STATEDIR: store },
        signal: session.context.signal,
      }),
    )
  },
})
