import type { Writable } from 'node:stream'
import type { InterfaceCall } from '@disnix-ts/libinterface'
import { targetKey, type Target } from '@disnix-ts/libinfrastructure'
import { DisnixError, prefixLines, type ProgressSink } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'

/** What every deployment step needs from its caller (the tool): environment, output and cancellation. */
export interface DeployContext {
  progress: ProgressSink
  /** Extra environment for the client interfaces (SSH_OPTS, DISNIX_REMOTE_CLIENT, ...). */
  env?: NodeJS.ProcessEnv
  /** Environment for local Nix commands (NIX_PATH, NIX_CONFIG, ...). */
  nixEnv?: NodeJS.ProcessEnv
  /** Where temporary export files go on this machine ($TMPDIR). */
  tmpdir: string
  /** Where the client interfaces' own stderr goes; when absent it is kept for error messages. */
  interfaceStderr?: Writable
  signal?: AbortSignal
}

export interface CallOptions {
  /**
   * Whether the user's interrupt cancels the call. Activities, locks and unlocks are never cancelled
   * half-way: an interruption lets them finish and then rolls back or unlocks.
   */
  cancellable?: boolean
}

/** The client-interface call for one target of a manifest: its own interface and its target key. */
export function targetCall(manifest: Manifest, targetName: string, context: DeployContext, options: CallOptions = {}): InterfaceCall {
  const target = manifest.infrastructure[targetName]
  if (target === undefined) {
    throw new DisnixError('MANIFEST_INVALID', `[target: ${targetName}]: the target is not in the manifest's infrastructure`)
  }
  return callFor(target, context, options)
}

export function callFor(target: Target, context: DeployContext, options: CallOptions = {}): InterfaceCall {
  const signal = options.cancellable === false ? undefined : context.signal
  // The interface's own messages (a target's "Notifying lock on ...") get the target's prefix.
  const stderr = context.interfaceStderr === undefined ? undefined : prefixLines(context.interfaceStderr, `[target: ${target.name}]: `)
  return { interface: target.clientInterface, target: targetKey(target), env: context.env, signal, stderr }
}

/** The message of an error for a progress line: one line per problem, no stack. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
