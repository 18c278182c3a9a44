import { homedir } from 'node:os'
import { DisnixError, helpSections, keepOption, runTool, toolCommand } from '@disnix-ts/libmain'

type Operation = 'query-latest' | 'query-all' | 'print-missing' | 'gc' | 'import' | 'resolve'
const OPERATIONS: readonly Operation[] = ['query-latest', 'query-all', 'print-missing', 'gc', 'import', 'resolve']

interface SnapshotsOptions {
  check?: boolean
  container?: string
  component?: string
  keep: number
}

// As in the original, the last operation flag on the command line wins.
let operation: Operation | undefined

const program = toolCommand('dysnomia-snapshots', 'Manage the snapshot store of Dysnomia', { suite: 'dysnomia' })
  .option('--query-latest', 'Print the latest snapshot of every component')
  .option('--query-all', 'Print the snapshots of all generations (numeric generation order)')
  .option('--print-missing', 'Print the given relative snapshot paths that are not in the store')
  .option('--import', 'Move the given snapshot directories into the store (needs -C and -c)')
  .option('--resolve', 'Print the absolute paths of the given relative snapshot paths')
  .option('--gc', 'Remove all but the latest --keep generations and the snapshots they do not refer to')
  .option('--check', 'With a query: verify the checksum of every printed snapshot')
  .option('-C, --container <name>', 'Only this container (the target container for --import)')
  .option('-c, --component <name>', 'Only this component, a name or a component path (the target for --import)')
  .addOption(keepOption(1))
  .argument('[paths...]', 'Relative snapshot paths (<container>/<component>/<id>), or snapshot directories for --import')
  .addHelpText(
    'after',
    helpSections({
      Operations: [
        'Exactly one of --query-latest, --query-all, --print-missing, --import, --resolve, --gc;',
        'when several are given, the last one wins.',
      ],
      Environment: [
        'DYSNOMIA_STATEDIR  Location of the snapshot store (default: /var/state/dysnomia for root,',
        '                   $HOME/.dysnomia for other users)',
        'NIX_STORE_DIR      Nix store whose hash prefix is stripped from component names (default /nix/store)',
      ],
      'Exit status': [
        '0  success',
        '1  bad usage, a failed operation, or --check found a snapshot that does not match its checksum',
      ],
    }),
  )
  .action(async (paths: string[], opts: SnapshotsOptions) => {
    if (operation === undefined) throw new DisnixError('USAGE', 'No operation specified!')
    const { runSnapshotsOperation } = await import('./dysnomia-snapshots-run.js')
    const { defaultStateDir } = await import('../dysnomia-settings.js')
    process.exitCode = await runSnapshotsOperation({
      operation,
      paths,
      check: opts.check === true,
      container: opts.container,
      component: opts.component,
      keep: opts.keep,
      stateDir: defaultStateDir(process.env, { uid: process.getuid?.() ?? -1, home: homedir() }),
      storeDir: process.env.NIX_STORE_DIR,
      stdout: process.stdout,
      stderr: process.stderr,
    })
  })

for (const name of OPERATIONS) program.on(`option:${name}`, () => (operation = name))

await runTool(program)
