import { isOperation, operationSpec, type InterfaceRequest, type Operation } from './operations.js'
import { checkProfile, invalidRequest, usageError } from './request-fields.js'
import { lastOperation, operationOptions, requestOptions, trackOperationOrder, type RequestOptions } from './request-options.js'

/** A client interface's arguments for a request (spec §3.1): what a coordinator runs the interface with. */
export function interfaceArgv(target: string, request: InterfaceRequest): string[] {
  return operationSpec(request.op).callArgv(request, ['--target', target])
}

/**
 * The remote client's arguments for a request (spec §3.2/3.3): what a transport runs on the target
 * (`disnix-run-activity ARGV`), without --target and without --localfile/--remotefile, which the
 * transport has dealt with.
 */
export function requestArgv(request: InterfaceRequest): string[] {
  return operationSpec(request.op).argv(request)
}

export interface RequestFromOptions {
  /**
   * Refuse a profile name that cannot be a file name first (`ERROR: Invalid profile name: "…"`), as
   * the target side does, which turns it into one. A transport forwards it as given.
   */
  checkProfile?: boolean
}

/**
 * The request of a command line: the selected operation with its parsed options and positional
 * arguments. Problems are USAGE errors with the original's messages (`ERROR: No operation specified!`,
 * `ERROR: A type must be specified!`, ...).
 */
export function requestFromOptions(op: Operation | undefined, options: RequestOptions, paths: readonly string[], how: RequestFromOptions = {}): InterfaceRequest {
  if (op === undefined) throw usageError('ERROR: No operation specified!')
  const spec = operationSpec(op)
  if (how.checkProfile && Object.hasOwn(spec.fields, 'profile') && options.profile !== undefined) checkProfile(options.profile)
  return withoutUndefined({ op, ...spec.parse(options, [...paths]) }) as InterfaceRequest
}

/**
 * A request that arrives as JSON (a disnix-service socket, a `--serve` frame), checked field by field:
 * a known operation, every field it takes and no other, each of its type; paths that could pass as
 * options are refused. Problems are INVALID_REQUEST errors.
 */
export function parseRequest(value: unknown): InterfaceRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidRequest('the request is not a JSON object')
  const record = value as Record<string, unknown>
  const op = record.op
  if (!isOperation(op)) throw invalidRequest(`unknown operation: ${String(op)}`)
  const fields = operationSpec(op).fields as Record<string, { read(value: unknown, name: string): unknown }>
  for (const key of Object.keys(record)) {
    if (key !== 'op' && !Object.hasOwn(fields, key)) throw invalidRequest(`unknown field of ${op}: ${key}`)
  }
  const request: Record<string, unknown> = { op }
  for (const [name, field] of Object.entries(fields)) {
    const read = field.read(record[name], name)
    if (read !== undefined) request[name] = read
  }
  return request as InterfaceRequest
}

/** Optional fields that are not set are left out, so that requests compare and serialise alike. */
function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined))
}

/**
 * A client interface's command line as a request and the target it names (the inverse of
 * `interfaceArgv` and `requestArgv`): for interfaces written against this package and for tests. When
 * several operations are given, the last one counts (the original's getopt).
 */
export async function parseInterfaceArgv(argv: readonly string[], how: RequestFromOptions = {}): Promise<{ target?: string; request: InterfaceRequest }> {
  const { Command, CommanderError } = await import('commander')
  const command = new Command('client-interface').exitOverride().allowExcessArguments(false).argument('[paths...]')
  command.configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
  for (const option of [...operationOptions(), ...requestOptions()]) command.addOption(option)
  trackOperationOrder(command)
  try {
    command.parse([...argv], { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) throw usageError(error.message)
    throw error
  }
  const options = command.opts<RequestOptions>()
  return { target: options.target, request: requestFromOptions(lastOperation(options), options, command.processedArgs[0] as string[], how) }
}
