import { DisnixError } from '@disnix-ts/libmain'
import { checkProfile } from './activity-options.js'
import { ACTIVITY_OPS, TARGET_OPS, type TargetRequest } from './target-request.js'

/**
 * The disnix-service wire protocol: newline-delimited JSON over a Unix socket. A client sends one
 * request line (a TargetRequest, or `{"op":"get-logdir"}`); the service answers with a `job` line
 * as soon as the job has an id and a log file, then one final line.
 */
export type ServiceReply =
  | { type: 'job'; jobId: number; logFile: string }
  | { type: 'finish'; jobId: number }
  | { type: 'success'; jobId: number; lines: string[] }
  | { type: 'failure'; jobId: number; message: string; logFile: string }
  | { type: 'logdir'; logDir: string }
  | { type: 'error'; message: string }

/** Validates one request from the socket: every field typed, no path that could pass as an option. */
export function parseServiceRequest(line: string): TargetRequest | { op: 'get-logdir' } {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw invalid('the request is not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('the request is not a JSON object')
  const r = value as Record<string, unknown>
  const op = r.op
  if (op === 'get-logdir') return { op }
  if (typeof op !== 'string' || !(TARGET_OPS as readonly string[]).includes(op)) throw invalid(`unknown operation: ${String(op)}`)
  switch (op) {
    case 'import':
      return { op, closure: operand(r.closure, 'closure') }
    case 'export':
    case 'print-invalid':
    case 'realise':
    case 'query-requisites':
    case 'export-snapshots':
      return { op, paths: operands(r.paths, 'paths') }
    case 'set':
      return { op, profile: profile(r.profile), path: operand(r.path, 'path') }
    case 'query-installed':
    case 'lock':
    case 'unlock':
      return { op, profile: profile(r.profile) }
    case 'collect-garbage':
      return { op, deleteOld: r.deleteOld === true }
    case 'query-all-snapshots':
    case 'query-latest-snapshot':
      return { op, container: optionalName(r.container, 'container'), component: optionalName(r.component, 'component') }
    case 'print-missing-snapshots':
    case 'resolve-snapshots':
      return { op, snapshots: operands(r.snapshots, 'snapshots') }
    case 'import-snapshots':
      return { op, container: name(r.container, 'container'), component: name(r.component, 'component'), paths: operands(r.paths, 'paths') }
    case 'clean-snapshots': {
      const keep = r.keep
      if (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 0) throw invalid('keep must be a whole number')
      return { op, keep, container: optionalName(r.container, 'container'), component: optionalName(r.component, 'component') }
    }
    case 'capture-config':
      return { op }
  }
  if ((ACTIVITY_OPS as readonly string[]).includes(op)) {
    const args = r.arguments === undefined ? [] : strings(r.arguments, 'arguments')
    return {
      op: op as (typeof ACTIVITY_OPS)[number],
      component: operand(r.component, 'component'),
      container: name(r.container, 'container'),
      type: operand(r.type, 'type'),
      arguments: args,
    }
  }
  throw invalid(`unknown operation: ${op}`)
}

function profile(value: unknown): string {
  if (typeof value !== 'string') throw invalid('profile must be a string')
  try {
    return checkProfile(value)
  } catch {
    throw invalid(`invalid profile name: ${JSON.stringify(value)}`)
  }
}

/** A path or name handed to a child as an operand: it must not look like an option. */
function operand(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value.startsWith('-') || value.includes('\0')) {
    throw invalid(`${field} must be a non-empty string that does not start with '-'`)
  }
  return value
}

function operands(value: unknown, field: string): string[] {
  return strings(value, field).map((item) => operand(item, field))
}

function name(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.includes('\0')) throw invalid(`${field} must be a string`)
  return value
}

function optionalName(value: unknown, field: string): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : name(value, field)
}

function strings(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(`${field} must be a list of strings`)
  return value as string[]
}

function invalid(message: string): DisnixError {
  return new DisnixError('INVALID_REQUEST', `Invalid request: ${message}`)
}
