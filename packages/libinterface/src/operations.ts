import {
  count,
  flag,
  location,
  name,
  operand,
  operands,
  optionalName,
  optionalOperand,
  optionalText,
  profileName,
  secretContent,
  optionalSecretName,
  secretName,
  strings,
  usageError,
  type Field,
  type FileLocation,
} from './request-fields.js'
import { isValidName } from '@disnix-ts/libmain'
import type { RequestOptions } from './request-options.js'

/**
 * The client-interface protocol (spec §3): every operation a coordinator asks of a target, in one
 * table. An operation is the fields of its request (`OperationFields`) and its entry in `OPERATIONS`:
 * the flag that selects it and its help, what its output is, the step an error names, how its request
 * is read from a command line and from JSON, and how it is written as the arguments of a client
 * interface (`callArgv`, spec §3.1) and of the remote client behind a transport (`argv`, spec §3.2/3.3).
 * Every implementation (the process interface, disnix-ssh-client, disnix-run-activity, disnix-client
 * with disnix-service, the `--serve` session) and every command line takes its operations from here.
 *
 * Adding an operation: its fields below, its entry in OPERATIONS (tsc checks that the JSON fields
 * match the fields), rows in operations.test.ts, and its execution on the target
 * (disnix-target's executeTargetRequest; tsc reports the missing case).
 */
export interface OperationFields {
  import: { where?: FileLocation; paths: string[] }
  export: { where?: FileLocation; paths: string[] }
  'print-invalid': { paths: string[] }
  realise: { paths: string[] }
  set: { profile?: string; path: string }
  'query-installed': { profile?: string }
  'query-requisites': { paths: string[] }
  'collect-garbage': { deleteOld: boolean }
  activate: ServiceActivity
  deactivate: ServiceActivity
  'delete-state': ServiceActivity
  snapshot: ServiceActivity
  restore: ServiceActivity
  check: ServiceActivity
  'activate-check': ServiceActivity
  lock: { profile?: string }
  unlock: { profile?: string }
  shell: ServiceActivity & { command?: string }
  'capture-config': Record<never, never>
  'clean-snapshots': { keep: number; container?: string; component?: string }
  'query-all-snapshots': SnapshotFilter
  'query-latest-snapshot': SnapshotFilter
  'print-missing-snapshots': { snapshots: string[] }
  'import-snapshots': { where?: FileLocation; container?: string; component?: string; paths: string[] }
  'resolve-snapshots': { snapshots: string[] }
  'export-snapshots': { paths: string[] }
  'put-secret': SecretRef & { secret: string; owner?: string; group?: string; file?: string; content?: string }
  'remove-secrets': SecretRef
}

/**
 * The secrets of one service mapping on a target: `<secrets dir>/<profile>/<container>/<service key>/`.
 * `put-secret` writes one of them (mode 0600, owned by `owner`) from `file` (a file on the calling
 * machine; a transport streams it to the remote client's stdin) or, in a JSON request, from
 * `content` (base64); it never travels on a command line. It prints the path it wrote.
 */
export interface SecretRef {
  profile?: string
  container: string
  /** The service's key (its hash in the manifest). */
  service: string
}

/** One service on a target, as the Dysnomia activities need it. */
export interface ServiceActivity {
  /** The service's store path. */
  component: string
  container: string
  /** A Dysnomia module name, or the store path of a container-provider service. */
  type: string
  /** `KEY=VALUE` container properties, exported into the module's environment. */
  arguments: string[]
}

/** Restricts a snapshot query to one container and/or component. */
export interface SnapshotFilter {
  container?: string
  component?: string
}

export type Operation = keyof OperationFields
/** The operations whose request is exactly a service activity (a Dysnomia operation on one service). */
export type ActivityOperation = { [Op in Operation]: OperationFields[Op] extends ServiceActivity ? (ServiceActivity extends OperationFields[Op] ? Op : never) : never }[Operation]
export type RequestOf<Op extends Operation> = { op: Op } & OperationFields[Op]
/** One client-interface request: an operation and its fields. */
export type InterfaceRequest = { [Op in Operation]: RequestOf<Op> }[Operation]

/**
 * What an operation prints on stdout: nothing, one item per line, a text as it is, the path of a file
 * on the calling machine, one directory per line on the calling machine, or (the interactive shell)
 * nothing but its exit status, or (a health check) one line `healthy|failing|unknown: REASON`.
 */
export type ResultKind = 'none' | 'lines' | 'text' | 'file' | 'dirs' | 'status' | 'check'

export interface OperationSpec<Op extends Operation> {
  /** A short flag besides `--<op>`. */
  short?: string
  help: string
  result: ResultKind
  /** The step an error message names: "import closure". */
  step(request: RequestOf<Op>): string
  /** Runs in its own process group, so that a Ctrl-C in the terminal does not reach it (spec §3.1). */
  ownProcessGroup?: boolean
  /** How each field is read from JSON. */
  fields: { readonly [K in keyof OperationFields[Op]]-?: Field<OperationFields[Op][K]> }
  /** The fields from a parsed command line and its positional arguments, with the original's messages. */
  parse(options: RequestOptions, paths: string[]): OperationFields[Op]
  /** The remote client's command line (spec §3.2/3.3): no --target, no --localfile/--remotefile. */
  argv(request: RequestOf<Op>): string[]
  /** A client interface's command line (spec §3.1), in the original's order; `target` is `--target T`. */
  callArgv(request: RequestOf<Op>, target: string[]): string[]
}

const NO_COMPONENT = 'ERROR: A Nix store component has to be specified!'
const NO_SNAPSHOT = 'ERROR: A Dysnomia snapshot has to be specified!'
const NO_TYPE = 'ERROR: A type must be specified!'
const ACTIVITY_FIELDS = { component: operand, container: name, type: operand, arguments: strings }
const NO_CONTAINER = 'ERROR: A container must be specified!'
const NO_SERVICE = 'ERROR: A service key must be specified!'
const NO_SECRET = 'ERROR: A secret name must be specified!'
const SECRET_REF_FIELDS = { profile: profileName, container: secretName, service: secretName }

export const OPERATIONS = {
  import: {
    help: 'Import a closure into the Nix store (--localfile: a file on this machine; --remotefile: a file on the target)',
    result: 'none',
    step: () => 'import closure',
    fields: { where: location, paths: operands },
    parse: (o, paths) => ({ where: where(o), paths: required(paths, NO_COMPONENT) }),
    argv: (r) => ['--import', ...r.paths],
    callArgv: (r, t) => ['--import', ...t, ...whereFlag(r.where), ...r.paths],
  },
  export: {
    help: 'Export the given store paths into a temp file and print its path (--remotefile: copy it to this machine)',
    result: 'file',
    step: () => 'export closure',
    fields: { where: location, paths: operands },
    parse: (o, paths) => ({ where: where(o), paths }),
    argv: (r) => ['--export', ...r.paths],
    callArgv: (r, t) => [...t, '--export', ...whereFlag(r.where), ...r.paths],
  },
  'print-invalid': {
    help: 'Print the given store paths that are not valid in the Nix store',
    result: 'lines',
    step: () => 'print invalid paths',
    fields: { paths: operands },
    parse: (_o, paths) => ({ paths }),
    argv: (r) => ['--print-invalid', ...r.paths],
    callArgv: (r, t) => [...t, '--print-invalid', ...r.paths],
  },
  realise: {
    short: '-r',
    help: 'Realise the given store derivations and print their outputs',
    result: 'lines',
    step: () => 'realise',
    fields: { paths: operands },
    parse: (_o, paths) => ({ paths }),
    argv: (r) => ['--realise', ...r.paths],
    callArgv: (r, t) => ['--realise', ...t, ...r.paths],
  },
  set: {
    help: 'Point the Disnix profile at the given store path',
    result: 'none',
    step: (r) => `set profile ${profileText(r.profile)}`,
    fields: { profile: profileName, path: operand },
    parse: (o, paths) => ({ profile: profile(o), path: first(paths, NO_COMPONENT) }),
    argv: (r) => ['--set', ...profileFlag(r.profile), r.path],
    callArgv: (r, t) => [...t, ...profileFlag(r.profile), '--set', r.path],
  },
  'query-installed': {
    short: '-q',
    help: 'Print the profile manifest of the Disnix profile',
    result: 'text',
    step: (r) => `query installed services of profile ${profileText(r.profile)}`,
    fields: { profile: profileName },
    parse: (o) => ({ profile: profile(o) }),
    argv: (r) => ['--query-installed', ...profileFlag(r.profile)],
    callArgv: (r, t) => [...t, ...profileFlag(r.profile), '--query-installed'],
  },
  'query-requisites': {
    help: 'Print the closure of the given store paths, root last',
    result: 'lines',
    step: () => 'query requisites',
    fields: { paths: operands },
    parse: (_o, paths) => ({ paths }),
    argv: (r) => ['--query-requisites', ...r.paths],
    callArgv: (r, t) => ['--query-requisites', ...t, ...r.paths],
  },
  'collect-garbage': {
    help: 'Run the Nix garbage collector (-d: also remove the old generations of every profile)',
    result: 'none',
    step: () => 'collect garbage',
    fields: { deleteOld: flag },
    parse: (o) => ({ deleteOld: o.deleteOld === true }),
    argv: (r) => ['--collect-garbage', ...(r.deleteOld ? ['-d'] : [])],
    callArgv: (r, t) => [...t, '--collect-garbage', ...(r.deleteOld ? ['-d'] : [])],
  },
  activate: activity('activate', 'Activate the given service with Dysnomia (needs --type)'),
  deactivate: activity('deactivate', 'Deactivate the given service with Dysnomia (needs --type)'),
  'delete-state': activity('delete-state', 'Delete the state of the given service if it is marked as garbage (needs --type)'),
  snapshot: activity('snapshot', 'Snapshot the state of the given service (needs --type)'),
  restore: activity('restore', 'Restore the state of the given service from its latest snapshot (needs --type)'),
  // The call succeeds whenever the check ran: a failing service is a result, not a failed call.
  check: { ...activity('check', 'Check the health of the given service with Dysnomia (needs --type); prints healthy:, failing: or unknown: and a reason'), result: 'check' as const },
  // An extension (the health gate): one call where the gate would make two, one round trip less per
  // activated service. It fails exactly as --activate does; once the activation succeeded, it prints
  // what --check would (a check that cannot run is a failing outcome: the activation happened).
  'activate-check': {
    ...activity('activate-check', 'Activate the given service, then check its health, in one call (needs --type); fails as --activate does, then prints what --check would'),
    result: 'check' as const,
    step: (r) => `activate ${r.component}`,
  },
  lock: {
    help: 'Acquire the lock on the Disnix profile (its services are notified and may refuse)',
    result: 'none',
    step: (r) => `lock profile ${profileText(r.profile)}`,
    ownProcessGroup: true,
    fields: { profile: profileName },
    parse: (o) => ({ profile: profile(o) }),
    argv: (r) => ['--lock', ...profileFlag(r.profile)],
    callArgv: (r, t) => ['--lock', ...t, ...profileFlag(r.profile)],
  },
  unlock: {
    help: 'Release the lock on the Disnix profile',
    result: 'none',
    step: (r) => `unlock profile ${profileText(r.profile)}`,
    ownProcessGroup: true,
    fields: { profile: profileName },
    parse: (o) => ({ profile: profile(o) }),
    argv: (r) => ['--unlock', ...profileFlag(r.profile)],
    callArgv: (r, t) => ['--unlock', ...t, ...profileFlag(r.profile)],
  },
  shell: {
    help: 'Spawn a Dysnomia shell in the environment of the given service (needs --type and a terminal)',
    result: 'status',
    step: (r) => `shell for ${r.component}`,
    fields: { ...ACTIVITY_FIELDS, command: optionalText },
    parse: (o, paths) => ({ ...activityFields(o, paths), command: o.command }),
    argv: (r) => ['--shell', ...activityOptions(r), ...commandFlag(r.command), r.component],
    callArgv: (r, t) => ['--shell', ...t, ...activityCallOptions(r), r.component, ...commandFlag(r.command)],
  },
  'capture-config': {
    help: 'Print the Dysnomia container configuration as a Nix expression (a local client prints the path of a temp file holding it)',
    result: 'text',
    step: () => 'capture config',
    fields: {},
    parse: () => ({}),
    argv: () => ['--capture-config'],
    callArgv: (_r, t) => ['--capture-config', ...t],
  },
  'clean-snapshots': {
    help: 'Remove old snapshot generations (--keep N, optionally of one container/component)',
    result: 'none',
    step: () => 'clean snapshots',
    fields: { keep: count, container: optionalName, component: optionalName },
    parse: (o) => ({ keep: o.keep, container: o.container, component: o.component }),
    argv: (r) => ['--clean-snapshots', '--keep', String(r.keep), ...filterFlags(r)],
    callArgv: (r, t) => [...t, '--clean-snapshots', '--keep', String(r.keep), ...filterFlags(r)],
  },
  'query-all-snapshots': snapshotQuery('query-all-snapshots', 'Print all snapshot ids of a container/component', 'query all snapshots'),
  'query-latest-snapshot': snapshotQuery('query-latest-snapshot', 'Print the latest snapshot id of a container/component', 'query latest snapshot'),
  'print-missing-snapshots': {
    help: 'Print the given snapshot ids that are not in the snapshot store',
    result: 'lines',
    step: () => 'print missing snapshots',
    fields: { snapshots: operands },
    parse: (_o, paths) => ({ snapshots: paths }),
    argv: (r) => ['--print-missing-snapshots', ...r.snapshots],
    callArgv: (r, t) => [...t, '--print-missing-snapshots', ...r.snapshots],
  },
  'import-snapshots': {
    help: 'Import the given snapshot directories into the snapshot store (--localfile: directories on this machine)',
    result: 'none',
    step: (r) => `import snapshots of ${r.container ?? ''}/${r.component ?? ''}`,
    fields: { where: location, container: optionalName, component: optionalName, paths: operands },
    parse: (o, paths) => ({ where: where(o), container: o.container, component: o.component, paths: required(paths, NO_SNAPSHOT) }),
    argv: (r) => ['--import-snapshots', ...filterFlags(r), ...r.paths],
    callArgv: (r, t) => [...t, '--import-snapshots', ...whereFlag(r.where), ...filterFlags(r), ...r.paths],
  },
  'resolve-snapshots': {
    help: 'Print the absolute paths of the given snapshot ids',
    result: 'lines',
    step: () => 'resolve snapshots',
    fields: { snapshots: operands },
    parse: (_o, paths) => ({ snapshots: required(paths, NO_SNAPSHOT) }),
    argv: (r) => ['--resolve-snapshots', ...r.snapshots],
    callArgv: (r, t) => [...t, '--resolve-snapshots', ...r.snapshots],
  },
  'export-snapshots': {
    help: 'Copy the given snapshots into fresh temp dirs on this machine and print the dirs',
    result: 'dirs',
    step: () => 'export snapshots',
    fields: { paths: operands },
    parse: (_o, paths) => ({ paths }),
    argv: (r) => ['--export-snapshots', ...r.paths],
    callArgv: (r, t) => [...t, '--export-snapshots', ...r.paths],
  },
  'put-secret': {
    help: 'Write a secret of a service (--container, --service KEY, --secret NAME, optionally --owner/--group) with mode 0600 from FILE, or from stdin without one; prints its path on the target',
    result: 'lines',
    step: (r) => `deliver secret ${r.secret} of service ${r.service}`,
    fields: { ...SECRET_REF_FIELDS, secret: secretName, owner: optionalSecretName, group: optionalSecretName, file: optionalOperand, content: secretContent },
    parse: (o, paths) => ({ ...secretRef(o), secret: validName(requiredOption(o.secret, NO_SECRET), 'secret'), owner: optionalValidName(o.owner, 'owner'), group: optionalValidName(o.group, 'group'), file: paths[0] }),
    // The content is never an argument: the transport writes it to the remote client's stdin.
    argv: (r) => ['--put-secret', ...secretRefFlags(r), '--secret', r.secret, ...ownerFlags(r)],
    callArgv: (r, t) => ['--put-secret', ...t, ...secretRefFlags(r), '--secret', r.secret, ...ownerFlags(r), ...(r.file === undefined ? [] : [r.file])],
  },
  'remove-secrets': {
    help: 'Remove the secrets of a service (--container, --service KEY) written by --put-secret',
    result: 'none',
    step: (r) => `remove secrets of service ${r.service}`,
    fields: SECRET_REF_FIELDS,
    parse: (o) => secretRef(o),
    argv: (r) => ['--remove-secrets', ...secretRefFlags(r)],
    callArgv: (r, t) => ['--remove-secrets', ...t, ...secretRefFlags(r)],
  },
} satisfies { readonly [Op in Operation]: OperationSpec<Op> }

/** Every operation, in the order of the help text. */
export const OPERATION_NAMES = Object.keys(OPERATIONS) as Operation[]

export function isOperation(value: unknown): value is Operation {
  return typeof value === 'string' && Object.hasOwn(OPERATIONS, value)
}

/** The entry of an operation, for code that handles any of them. */
export function operationSpec<Op extends Operation>(op: Op): OperationSpec<Op> {
  return OPERATIONS[op] as unknown as OperationSpec<Op>
}

/** A Dysnomia activity on one service (spec §3.1): `--<op> --container C --type T [--arguments K=V]… PKG`. */
function activity<Op extends ActivityOperation>(op: Op, help: string): OperationSpec<Op> & { result: 'none' } {
  return {
    help,
    result: 'none',
    step: (r) => `${op} ${r.component}`,
    ownProcessGroup: true,
    fields: ACTIVITY_FIELDS as OperationSpec<Op>['fields'],
    parse: activityFields,
    argv: (r) => [`--${op}`, ...activityOptions(r), r.component],
    callArgv: (r, t) => [`--${op}`, ...t, ...activityCallOptions(r), r.component],
  }
}

function snapshotQuery<Op extends 'query-all-snapshots' | 'query-latest-snapshot'>(op: Op, help: string, step: string): OperationSpec<Op> & { result: 'lines' } {
  return {
    help,
    result: 'lines',
    step: () => step,
    fields: { container: optionalName, component: optionalName } as OperationSpec<Op>['fields'],
    parse: (o) => ({ container: o.container, component: o.component }),
    argv: (r) => [`--${op}`, ...filterFlags(r)],
    callArgv: (r, t) => [...t, `--${op}`, ...filterFlags(r)],
  }
}

/** The type is required; the container defaults to the type (QUIRK §10.4: not the literal `type`). */
function activityFields(o: RequestOptions, paths: string[]): ServiceActivity {
  if (o.type === undefined) throw usageError(NO_TYPE)
  const component = first(paths, NO_COMPONENT)
  return { component, container: o.container ?? o.type, type: o.type, arguments: [...o.arguments] }
}

function activityOptions(r: ServiceActivity): string[] {
  return ['--type', r.type, '--container', r.container, ...r.arguments.flatMap((a) => ['--arguments', a])]
}

function activityCallOptions(r: ServiceActivity): string[] {
  return ['--container', r.container, '--type', r.type, ...r.arguments.flatMap((a) => ['--arguments', a])]
}

function secretRef(o: RequestOptions): SecretRef {
  return {
    profile: profile(o),
    container: validName(requiredOption(o.container, NO_CONTAINER), 'container'),
    service: validName(requiredOption(o.service, NO_SERVICE), 'service key'),
  }
}

/** Parts of a secret's file name on the target, and its owner: valid names (no `/`, `..` or leading `-`). */
function validName(value: string, what: string): string {
  if (!isValidName(value)) throw usageError(`ERROR: Invalid ${what}: ${JSON.stringify(value)}`)
  return value
}

function optionalValidName(value: string | undefined, what: string): string | undefined {
  return value === undefined ? undefined : validName(value, what)
}

function secretRefFlags(r: SecretRef): string[] {
  return [...profileFlag(r.profile), '--container', r.container, '--service', r.service]
}

function ownerFlags(r: { owner?: string; group?: string }): string[] {
  return [...(r.owner === undefined ? [] : ['--owner', r.owner]), ...(r.group === undefined ? [] : ['--group', r.group])]
}

function requiredOption(value: string | undefined, message: string): string {
  if (value === undefined || value === '') throw usageError(message)
  return value
}

function where(o: RequestOptions): FileLocation | undefined {
  return o.localfile ? 'local' : o.remotefile ? 'remote' : undefined
}

function whereFlag(where: FileLocation | undefined): string[] {
  return where === undefined ? [] : [where === 'local' ? '--localfile' : '--remotefile']
}

function profile(o: RequestOptions): string | undefined {
  return o.profile
}

function profileFlag(profile: string | undefined): string[] {
  return profile === undefined ? [] : ['--profile', profile]
}

function profileText(profile: string | undefined): string {
  return profile ?? '(default)'
}

function commandFlag(command: string | undefined): string[] {
  return command === undefined ? [] : ['--command', command]
}

function filterFlags(filter: SnapshotFilter): string[] {
  return [...(filter.container ? ['--container', filter.container] : []), ...(filter.component ? ['--component', filter.component] : [])]
}

function first(paths: readonly string[], message: string): string {
  const path = paths[0]
  if (path === undefined) throw usageError(message)
  return path
}

function required(paths: readonly string[], message: string): string[] {
  if (paths.length === 0) throw usageError(message)
  return [...paths]
}
