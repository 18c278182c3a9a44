import { Option, type Command } from 'commander'
import { collect, nonNegativeInteger } from '@disnix-ts/libmain'
import { OPERATION_NAMES, operationSpec, type Operation } from './operations.js'

/**
 * The options of a client-interface command line (spec §3), as commander parses them: what every
 * implementation's command line (disnix-ssh-client, disnix-run-activity, disnix-client, a custom
 * interface) reads besides the operation flag and the positional paths.
 */
export interface RequestOptions {
  target?: string
  localfile?: boolean
  remotefile?: boolean
  profile?: string
  deleteOld?: boolean
  type?: string
  arguments: string[]
  container?: string
  component?: string
  keep: number
  command?: string
  service?: string
  secret?: string
  owner?: string
  group?: string
}

/** The long options that take a value (`--profile P`), `--target` included: what a parser must skip. */
export function valueOptions(): string[] {
  return requestOptions()
    .filter((option) => option.required || option.optional)
    .map((option) => option.long!)
}

/** One flag per operation (`--activate`, `-r, --realise`, ...), with its help text. */
export function operationOptions(): Option[] {
  return OPERATION_NAMES.map((op) => {
    const spec = operationSpec(op)
    return new Option(spec.short === undefined ? `--${op}` : `${spec.short}, --${op}`, spec.help)
  })
}

/** What a command line may say about the options it documents differently (a local client ignores --target). */
export interface RequestOptionHelp {
  target?: string
  localfile?: string
  remotefile?: string
  /** The profile option itself: the target side reads DISNIX_PROFILE, a transport forwards what it is given. */
  profile?: Option
}

/** The options of the request vocabulary, with the original's spellings. */
export function requestOptions(help: RequestOptionHelp = {}): Option[] {
  return [
    new Option('-t, --target <target>', help.target ?? 'Address of the target: host, host:port or [ipv6]:port (optionally user@host)'),
    new Option('--localfile', help.localfile ?? 'The given files are on this machine (import, import-snapshots); export prints the remote path'),
    new Option('--remotefile', help.remotefile ?? 'The given files are on the target (import, import-snapshots); export copies the closure here'),
    help.profile ?? new Option('-p, --profile <name>', 'Name of the Disnix profile (the target uses its own default when none is given)'),
    new Option('-d, --delete-old', 'With --collect-garbage: also remove the old generations of every profile'),
    new Option('--type <type>', 'Dysnomia module handling the service (echo, process, ...) or the store path of a container provider'),
    new Option('--arguments <key=value>', 'Container property passed to the module (repeatable)').argParser(collect).default([]),
    new Option('-C, --container <name>', 'Container of the service (defaults to the type); snapshot filter'),
    new Option('-c, --component <name>', 'Component name filter of the snapshot operations'),
    new Option('--keep <n>', 'Snapshot generations to keep with --clean-snapshots').default(1).argParser(nonNegativeInteger),
    new Option('--command <commands>', 'With --shell: commands to run in the shell instead of an interactive session'),
    new Option('--service <key>', 'With --put-secret/--remove-secrets: the key of the service whose secrets these are'),
    new Option('--secret <name>', 'With --put-secret: the name of the secret'),
    new Option('--owner <user>', 'With --put-secret: the owner of the secret file on the target (default: the executing user)'),
    new Option('--group <group>', "With --put-secret: the group of the secret file on the target (default: the owner's group)"),
  ]
}

/** The operations whose flags were given, in the table's order. */
export function selectedOperations(opts: object): Operation[] {
  const values = opts as Record<string, unknown>
  return OPERATION_NAMES.filter((op) => values[camelCase(op)] === true)
}

/**
 * Records the operation flags in the order they were given, as the option `operationOrder`: a client
 * that follows the original's getopt takes the last one (`lastOperation`).
 */
export function trackOperationOrder(command: Command): void {
  for (const op of OPERATION_NAMES) {
    command.on(`option:${op}`, () => {
      const seen = (command.getOptionValue('operationOrder') as Operation[] | undefined) ?? []
      command.setOptionValue('operationOrder', [...seen, op])
    })
  }
}

/** The last operation flag given (after `trackOperationOrder`). */
export function lastOperation(opts: object): Operation | undefined {
  return ((opts as { operationOrder?: Operation[] }).operationOrder ?? []).at(-1)
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
}
