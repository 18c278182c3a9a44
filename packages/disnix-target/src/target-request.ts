import type { InterfaceRequest, ServiceActivity } from '@disnix-ts/libinterface'
import { maskArguments, secretValues, SECRET_PROPERTY_WORDS } from '@disnix-ts/libmain'

/**
 * One operation the target side executes (spec §3.3, §4.4): a request of the client-interface
 * protocol (libinterface's operations), except the interactive shell, which only disnix-run-activity
 * runs, on a terminal.
 */
export type TargetRequest = Exclude<InterfaceRequest, { op: 'shell' }>

export type ActivityOp = 'activate' | 'deactivate' | 'snapshot' | 'restore' | 'delete-state'

/** A Dysnomia activity on one component. */
export type Activity = ServiceActivity

/** What an operation yields: nothing, lines, a text, or the path of a temp file holding the result. */
export type TargetResult = { kind: 'done' } | { kind: 'lines'; lines: string[] } | { kind: 'text'; text: string } | { kind: 'tempfile'; path: string }

/**
 * The first line of a job log (spec §4.4), with the values of secret properties (named by `words`)
 * shown as `***`.
 */
export function jobLogHeader(request: TargetRequest, words: readonly string[] = SECRET_PROPERTY_WORDS): string {
  const list = (items: readonly string[]) => items.map((item) => `${item} `).join('')
  switch (request.op) {
    case 'import':
      return `Importing: ${request.paths.join(' ')}`
    case 'export':
      return `Exporting: ${list(request.paths)}`
    case 'print-invalid':
      return `Print invalid: ${list(request.paths)}`
    case 'realise':
      return `Realising: ${list(request.paths)}`
    case 'set':
      return `Set profile: ${request.profile ?? ''} with derivation: ${request.path}`
    case 'query-installed':
      return `Query installed derivations from profile: ${request.profile ?? ''}`
    case 'query-requisites':
      return `Query requisites from derivations: ${list(request.paths)}`
    case 'collect-garbage':
      return request.deleteOld ? 'Garbage collect and remove old derivations' : 'Garbage collect'
    case 'activate':
    case 'deactivate':
    case 'snapshot':
    case 'restore':
    case 'delete-state':
      return `${dysnomiaOperation(request.op)}: ${request.component} of type: ${request.type} in container: ${request.container} with arguments: ${list(maskArguments(request.arguments, words))}`
    case 'activate-check':
      return `Activate and check: ${request.component} of type: ${request.type} in container: ${request.container} with arguments: ${list(maskArguments(request.arguments, words))}`
    case 'check':
      return `Check: ${request.component} of type: ${request.type} in container: ${request.container} with arguments: ${list(maskArguments(request.arguments, words))}`
    case 'lock':
      return `Acquiring lock on profile: ${request.profile ?? ''}`
    case 'unlock':
      return `Releasing lock on profile: ${request.profile ?? ''}`
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
    // The secret's name and owner, never its content.
    case 'put-secret':
      return `Put secret: ${request.secret} of service: ${request.service} in container: ${request.container} of profile: ${request.profile ?? ''} owned by: ${request.owner ?? '(executing user)'}${request.group === undefined ? '' : `:${request.group}`}`
    case 'remove-secrets':
      return `Remove secrets of service: ${request.service} in container: ${request.container} of profile: ${request.profile ?? ''}`
  }
}

/** The Dysnomia operation behind an activity (`delete-state` runs `collect-garbage`). */
export function dysnomiaOperation(op: ActivityOp): string {
  return op === 'delete-state' ? 'collect-garbage' : op
}

/** The values of a request's secret properties: what its messages must never show. */
export function requestSecrets(request: TargetRequest, words: readonly string[] = SECRET_PROPERTY_WORDS): string[] {
  if (request.op === 'put-secret') return secretContentValues(request.content)
  return 'arguments' in request ? secretValues(request.arguments, words) : []
}

/** A delivered secret's content, as it could show up in a message: decoded, each of its lines, and as sent. */
function secretContentValues(content: string | undefined): string[] {
  if (content === undefined || content === '') return []
  const text = Buffer.from(content, 'base64').toString('utf8')
  return [content, text, ...text.split('\n')].map((value) => value.trim()).filter((value) => value.length >= 4)
}
