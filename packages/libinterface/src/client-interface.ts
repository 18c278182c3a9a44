import type { Writable } from 'node:stream'
import { childProcessError, type ChildOutcome, type ChildProcessError } from '@disnix-ts/libmain'
import type { InterfaceResult } from './interface-result.js'
import { operationSpec, type InterfaceRequest, type Operation } from './operations.js'

/** How one call is made; every implementation honours all of it. */
export interface CallOptions {
  /**
   * Cancels the call: its process is killed, or its channel closed. Left out for calls that must not
   * stop half-way (activities, locks): an interruption lets them finish.
   */
  signal?: AbortSignal
  /** Receives the interface's own stderr as it comes; without it the stderr is kept for the error message. */
  stderr?: Writable
  /** Values that must never appear in an error message. */
  secrets?: readonly string[]
  /** A directory on this machine where the interface puts the files it exports (its TMPDIR). */
  tmpdir?: string
}

/**
 * A way to reach targets (ARCHITECTURE §4): carries out one request of the protocol (operations.ts)
 * on a target and returns its typed result. Implementations: `processInterface` (any executable that
 * speaks the argv contract, spec §3.1) and disnix-ssh's `sshClientInterface` (the built-in SSH client,
 * in this process). A tool chooses them (`ClientInterfaces`); libraries only call them.
 */
export interface ClientInterface {
  /** Its name as the infrastructure model or --interface gives it; error messages name it. */
  readonly name: string
  /**
   * A failure is a ChildProcessError (INTERFACE_FAILED, INTERFACE_CANCELLED, INTERFACE_NOT_FOUND)
   * naming the target and the step, with the interface's exit status and the last lines of its stderr.
   */
  call<R extends InterfaceRequest>(target: string, request: R, options?: CallOptions): Promise<InterfaceResult<R>>
  /**
   * Whether it knows an operation that a caller may do without, such as `activate-check` (one call
   * instead of `activate` and `check`): the built-in interfaces of this process say so; an
   * executable (which may be another implementation) is asked only for what the caller needs.
   */
  knows?(op: Operation): boolean
}

/** The interface for each name a target's `clientInterface` can give: what a tool injects. */
export type ClientInterfaces = (name: string) => ClientInterface

/**
 * The error of a failed call, the same for every implementation: `[target: T]: <step> failed
 * (<interface>: exit status N)` and the last lines of the interface's stderr.
 */
export function interfaceError(iface: string, target: string, request: InterfaceRequest, outcome: ChildOutcome, options: CallOptions = {}, hint?: string): ChildProcessError {
  return childProcessError(outcome, {
    step: operationSpec(request.op).step(request as never),
    target,
    program: iface,
    programKind: `client interface ${iface}`,
    codes: { failed: 'INTERFACE_FAILED', cancelled: 'INTERFACE_CANCELLED', notFound: 'INTERFACE_NOT_FOUND' },
    notFoundHint: hint,
    secrets: options.secrets,
  })
}

/** A client interface bound to one target and the options of every call to it. */
export interface TargetClient {
  readonly interface: ClientInterface
  /** The target key the interface is called with (`--target`). */
  readonly target: string
  readonly options: CallOptions
  call<R extends InterfaceRequest>(request: R): Promise<InterfaceResult<R>>
}

export function targetClient(iface: ClientInterface, target: string, options: CallOptions = {}): TargetClient {
  return { interface: iface, target, options, call: (request) => iface.call(target, request, options) }
}

/** The same target with some call options changed (e.g. another `tmpdir` for exports). */
export function withCallOptions(client: TargetClient, options: CallOptions): TargetClient {
  return targetClient(client.interface, client.target, { ...client.options, ...options })
}
