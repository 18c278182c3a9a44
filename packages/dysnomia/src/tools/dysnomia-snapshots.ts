import { homedir } from 'node:os'
import { Argument, Option } from 'commander'
import { defineTool, DisnixError, keepOption, plainSession } from '@disnix-ts/libmain'
import { SNAPSHOTS_OPERATIONS, type SnapshotsOperation } from '../run-snapshots-operation.js'

export interface DysnomiaSnapshotsOptions {
  /** The last operation flag of the command line (as in the original, the last one wins). */
  operation?: SnapshotsOperation
  check?: boolean
  container?: string
  component?: string
  keep: number
}

export const dysnomiaSnapshots = defineTool<DysnomiaSnapshotsOptions, undefined, [paths: string[]]>({
  name: 'dysnomia-snapshots',
  suite: 'dysnomia',
  summary: 'Manage the snapshot store of Dysnomia',
  session: plainSession,
  arguments: [new Argument('[paths...]', 'Relative snapshot paths (<container>/<component>/<id>), or snapshot directories for --import')],
  options: [
    new Option('--query-latest', 'Print the latest snapshot of every component'),
    new Option('--query-all', 'Print the snapshots of all generations (numeric generation order)'),
    new Option('--print-missing', 'Print the given relative snapshot paths that are not in the store'),
    new Option('--import', 'Move the given snapshot directories into the store (needs -C and -c)'),
    new Option('--resolve', 'Print the absolute paths of the given relative snapshot paths'),
    new Option('--gc', 'Remove all but the latest --keep generations and the snapshots they do not refer to'),
    new Option('--check', 'With a query: verify the checksum of every printed snapshot'),
    new Option('-C, --container <name>', 'Only this container (the target container for --import)'),
    new Option('-c, --component <name>', 'Only this component, a name or a component path (the target for --import)'),
    keepOption(1),
  ],
  configure(command) {
    for (const operation of SNAPSHOTS_OPERATIONS) command.on(`option:${operation}`, () => command.setOptionValue('operation', operation))
  },
  sections: {
    Operations: ['Exactly one of --query-latest, --query-all, --print-missing, --import, --resolve, --gc;', 'when several are given, the last one wins.'],
  },
  environment: [
    { name: 'DYSNOMIA_STATEDIR', meaning: 'Location of the snapshot store (default: /var/state/dysnomia for root,\n$HOME/.dysnomia for other users)' },
    { name: 'NIX_STORE_DIR', meaning: 'Nix store whose hash prefix is stripped from component names (default /nix/store)' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'success' },
    { status: 1, meaning: 'bad usage, a failed operation, or --check found a snapshot that does not match its checksum' },
  ],
  async run({ opts, args: [paths], io }) {
    if (opts.operation === undefined) throw new DisnixError('USAGE', 'No operation specified!')
    const [{ runSnapshotsOperation }, { defaultStateDir }, { bareProgress }] = await Promise.all([
      import('../run-snapshots-operation.js'),
      import('../dysnomia-settings.js'),
      import('../bare-progress.js'),
    ])
    const outcome = await runSnapshotsOperation({
      operation: opts.operation,
      paths,
      check: opts.check === true,
      container: opts.container,
      component: opts.component,
      keep: opts.keep,
      stateDir: defaultStateDir(io.env, { uid: process.getuid?.() ?? -1, home: homedir() }),
      storeDir: io.env.NIX_STORE_DIR,
      print: (line) => io.stdout.write(`${line}\n`),
      progress: bareProgress(io.stderr),
    })
    return outcome.failedChecks > 0 ? 1 : 0
  },
})
