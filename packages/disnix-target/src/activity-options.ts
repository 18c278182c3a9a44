import { DisnixError, collect, nonNegativeInteger, profileOption, type toolCommand } from '@disnix-ts/libmain'
import { ACTIVITY_OPS, TARGET_OPS, type Activity, type TargetOp, type TargetRequest } from './target-request.js'

type Command = ReturnType<typeof toolCommand>

/** The options of disnix-run-activity and disnix-client, as commander parses them. */
export interface ActivityCliOptions {
  target?: string
  localfile?: boolean
  remotefile?: boolean
  profile: string
  deleteOld?: boolean
  type?: string
  arguments: string[]
  container?: string
  component?: string
  keep: number
  command?: string
}

/** An operation selected on the command line: a target request, or the interactive shell. */
export type CliOperation = TargetOp | 'shell'

const OPERATION_HELP: Record<CliOperation, string> = {
  import: 'Import a closure file into the Nix store',
  export: 'Export the given store paths into a temp file and print its path',
  'print-invalid': 'Print the given paths that are not valid in the Nix store',
  realise: 'Realise the given store derivations and print their outputs',
  set: 'Point the Disnix profile at the given store path',
  'query-installed': 'Print the profile manifest of the Disnix profile',
  'query-requisites': 'Print the closure of the given store paths',
  'collect-garbage': 'Run the Nix garbage collector',
  activate: 'Activate the given service with Dysnomia',
  deactivate: 'Deactivate the given service with Dysnomia',
  snapshot: 'Snapshot the state of the given service',
  restore: 'Restore the state of the given service from its latest snapshot',
  'delete-state': 'Delete the state of the given service if it is marked as garbage',
  lock: 'Acquire the lock on the Disnix profile (services may refuse)',
  unlock: 'Release the lock on the Disnix profile',
  'query-all-snapshots': 'Print all snapshots of a container/component',
  'query-latest-snapshot': 'Print the latest snapshot of a container/component',
  'print-missing-snapshots': 'Print the given snapshot ids that are not in the snapshot store',
  'import-snapshots': 'Import the given snapshot directories into the snapshot store',
  'export-snapshots': 'Copy the given snapshots into temp dirs and print the dirs',
  'resolve-snapshots': 'Print the absolute paths of the given snapshot ids',
  'clean-snapshots': 'Remove old snapshot generations',
  'capture-config': 'Write the Dysnomia container configuration as a Nix expression to a temp file and print its path',
  shell: 'Spawn a Dysnomia shell for the given service',
}

/**
 * Adds the operation flags and options shared by disnix-run-activity and disnix-client (spec §3.3).
 * The last operation flag wins, as with the original's getopt; `selected()` tells which.
 */
export function addActivityOptions(program: Command): { selected: () => CliOperation | undefined } {
  let selected: CliOperation | undefined
  for (const op of [...TARGET_OPS, 'shell'] as CliOperation[]) {
    const flags = op === 'realise' ? '-r, --realise' : op === 'query-installed' ? '-q, --query-installed' : `--${op}`
    program.addOption(program.createOption(flags, OPERATION_HELP[op]))
    program.on(`option:${op}`, () => {
      selected = op
    })
  }
  program
    .option('-t, --target <target>', 'Target to connect to (ignored: this client only executes locally)')
    .option('--localfile', 'The given paths are on this machine (accepted and ignored)')
    .option('--remotefile', 'The given paths are on the target (accepted and ignored)')
    .addOption(profileOption())
    .option('-d, --delete-old', 'With --collect-garbage: also remove the old generations of every profile')
    .option('--type <type>', 'Dysnomia module handling the service (echo, process, ...) or a provider store path')
    .addOption(program.createOption('--arguments <key=value>', 'Container property passed to the module (repeatable)').argParser(collect).default([]))
    .option('-C, --container <name>', 'Container of the service (defaults to the type); snapshot filter')
    .option('-c, --component <name>', 'Component name filter of the snapshot operations')
    .addOption(program.createOption('--keep <n>', 'Snapshot generations to keep with --clean-snapshots').default(1).argParser(nonNegativeInteger))
    .option('--command <commands>', 'With --shell: commands to run in the shell instead of an interactive session')
    .argument('[paths...]', 'Store paths, closure files or snapshot ids the operation works on')
  return { selected: () => selected }
}

/** A validated request for the selected operation, with the original's messages (exit 1). */
export function requestFromCli(op: CliOperation | undefined, opts: ActivityCliOptions, paths: readonly string[]): TargetRequest | { op: 'shell'; activity: Activity; command?: string } {
  if (op === undefined) throw usage('ERROR: No operation specified!')
  const list = [...paths]
  switch (op) {
    case 'import':
      return { op, closure: first(list, 'ERROR: A Nix store component has to be specified!') }
    case 'set':
      return { op, profile: checkProfile(opts.profile), path: first(list, 'ERROR: A Nix store component has to be specified!') }
    case 'export':
    case 'print-invalid':
    case 'realise':
    case 'query-requisites':
    case 'export-snapshots':
      return { op, paths: list }
    case 'query-installed':
    case 'lock':
    case 'unlock':
      return { op, profile: checkProfile(opts.profile) }
    case 'collect-garbage':
      return { op, deleteOld: opts.deleteOld === true }
    case 'shell':
      return { op, activity: activityFrom(opts, list), command: opts.command }
    case 'query-all-snapshots':
    case 'query-latest-snapshot':
      return { op, container: opts.container, component: opts.component }
    case 'print-missing-snapshots':
      return { op, snapshots: list }
    case 'resolve-snapshots':
      if (list.length === 0) throw usage('ERROR: A Dysnomia snapshot has to be specified!')
      return { op, snapshots: list }
    case 'import-snapshots':
      if (list.length === 0) throw usage('ERROR: A Dysnomia snapshot has to be specified!')
      return { op, container: opts.container ?? '', component: opts.component ?? '', paths: list }
    case 'clean-snapshots':
      return { op, keep: opts.keep, container: opts.container, component: opts.component }
    case 'capture-config':
      return { op }
    default:
      if ((ACTIVITY_OPS as readonly string[]).includes(op)) return { op, ...activityFrom(opts, list) }
      throw usage(`ERROR: Unknown operation: ${op}`)
  }
}

function activityFrom(opts: ActivityCliOptions, paths: string[]): Activity {
  if (opts.type === undefined) throw usage('ERROR: A type must be specified!')
  const component = first(paths, 'ERROR: A Nix store component has to be specified!')
  return { component, type: opts.type, container: opts.container ?? opts.type, arguments: opts.arguments }
}

function first(paths: string[], message: string): string {
  const path = paths[0]
  if (path === undefined) throw usage(message)
  return path
}

/** Profile names become file names (profile links, lock files): no path separators. */
export function checkProfile(profile: string): string {
  if (profile === '' || profile === '.' || profile === '..' || profile.includes('/') || profile.includes('\0')) {
    throw usage(`ERROR: Invalid profile name: ${JSON.stringify(profile)}`)
  }
  return profile
}

function usage(message: string): DisnixError {
  return new DisnixError('USAGE', message, { exitCode: 1 })
}
