/**
 * One target-side operation (spec §3.3, §4.4): what disnix-run-activity executes directly and what
 * disnix-client sends to disnix-service.
 */
export type TargetRequest =
  | { op: 'import'; closure: string }
  | { op: 'export'; paths: string[] }
  | { op: 'print-invalid'; paths: string[] }
  | { op: 'realise'; paths: string[] }
  | { op: 'set'; profile: string; path: string }
  | { op: 'query-installed'; profile: string }
  | { op: 'query-requisites'; paths: string[] }
  | { op: 'collect-garbage'; deleteOld: boolean }
  | ({ op: ActivityOp } & Activity)
  | { op: 'lock' | 'unlock'; profile: string }
  | { op: 'query-all-snapshots' | 'query-latest-snapshot'; container?: string; component?: string }
  | { op: 'print-missing-snapshots'; snapshots: string[] }
  | { op: 'import-snapshots'; container: string; component: string; paths: string[] }
  | { op: 'export-snapshots'; paths: string[] }
  | { op: 'resolve-snapshots'; snapshots: string[] }
  | { op: 'clean-snapshots'; keep: number; container?: string; component?: string }
  | { op: 'capture-config' }

export type ActivityOp = 'activate' | 'deactivate' | 'snapshot' | 'restore' | 'delete-state'

export const ACTIVITY_OPS: readonly ActivityOp[] = ['activate', 'deactivate', 'snapshot', 'restore', 'delete-state']

/** A Dysnomia activity on one component. */
export interface Activity {
  component: string
  container: string
  type: string
  /** `KEY=VALUE` container properties exported into the module's environment. */
  arguments: string[]
}

export type TargetOp = TargetRequest['op']

/** Every operation, as the option that selects it is spelled (`--<op>`). */
export const TARGET_OPS: readonly TargetOp[] = [
  'import',
  'export',
  'print-invalid',
  'realise',
  'set',
  'query-installed',
  'query-requisites',
  'collect-garbage',
  ...ACTIVITY_OPS,
  'lock',
  'unlock',
  'query-all-snapshots',
  'query-latest-snapshot',
  'print-missing-snapshots',
  'import-snapshots',
  'export-snapshots',
  'resolve-snapshots',
  'clean-snapshots',
  'capture-config',
]

/** What an operation yields: nothing, lines, a text, or the path of a temp file holding the result. */
export type TargetResult = { kind: 'done' } | { kind: 'lines'; lines: string[] } | { kind: 'text'; text: string } | { kind: 'tempfile'; path: string }

/** The first line of a job log (spec §4.4). */
export function jobLogHeader(request: TargetRequest): string {
  const list = (items: readonly string[]) => items.map((item) => `${item} `).join('')
  switch (request.op) {
    case 'import':
      return `Importing: ${request.closure}`
    case 'export':
      return `Exporting: ${list(request.paths)}`
    case 'print-invalid':
      return `Print invalid: ${list(request.paths)}`
    case 'realise':
      return `Realising: ${list(request.paths)}`
    case 'set':
      return `Set profile: ${request.profile} with derivation: ${request.path}`
    case 'query-installed':
      return `Query installed derivations from profile: ${request.profile}`
    case 'query-requisites':
      return `Query requisites from derivations: ${list(request.paths)}`
    case 'collect-garbage':
      return request.deleteOld ? 'Garbage collect and remove old derivations' : 'Garbage collect'
    case 'activate':
    case 'deactivate':
    case 'snapshot':
    case 'restore':
    case 'delete-state':
      return `${dysnomiaOperation(request.op)}: ${request.component} of type: ${request.type} in container: ${request.container} with arguments: ${list(request.arguments)}`
    case 'lock':
      return `Acquiring lock on profile: ${request.profile}`
    case 'unlock':
      return `Releasing lock on profile: ${request.profile}`
    case 'query-all-snapshots':
      return `Query all snapshots from container: ${request.container ?? ''} and component: ${request.component ?? ''}`
    case 'query-latest-snapshot':
      return `Query latest snapshot from container: ${request.container ?? ''} and component: ${request.component ?? ''}`
    case 'print-missing-snapshots':
      return `Print missing snapshots: ${list(request.snapshots)}`
    case 'import-snapshots':
      return `Import snapshots: ${list(request.paths)}`
    case 'export-snapshots':
      return `Export snapshots: ${list(request.paths)}`
    case 'resolve-snapshots':
      return `Resolve snapshots: ${list(request.snapshots)}`
    case 'clean-snapshots':
      return `Clean old snapshots${request.container ? ` for container: ${request.container}` : ''}${request.component ? ` for component: ${request.component}` : ''} num of generations to keep: ${request.keep}!`
    case 'capture-config':
      return 'Capture config'
  }
}

/** The Dysnomia operation behind an activity (`delete-state` runs `collect-garbage`). */
export function dysnomiaOperation(op: ActivityOp): string {
  return op === 'delete-state' ? 'collect-garbage' : op
}
