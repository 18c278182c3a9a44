import type { Writable } from 'node:stream'
import { processInterfaces, targetClient, type ClientInterfaces, type TargetClient } from '@disnix-ts/libinterface'
import { targetKey, type Target } from '@disnix-ts/libinfrastructure'
import { DisnixError, prefixLines, type ProgressSink } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'

/** What every deployment step needs from its caller (the tool): environment, output and cancellation. */
export interface DeployContext {
  progress: ProgressSink
  /**
   * The client interface of each name a target's `clientInterface` gives, as the tool chose them (the
   * coordinator session runs disnix-ssh-client in this process). Without it every interface is
   * started as a process, with `env`.
   */
  clientInterfaces?: ClientInterfaces
  /** Extra environment for client interfaces started as processes (SSH_OPTS, DISNIX_REMOTE_CLIENT, ...). */
  env?: NodeJS.ProcessEnv
  /** Environment for local Nix commands (NIX_PATH, NIX_CONFIG, ...). */
  nixEnv?: NodeJS.ProcessEnv
  /** Where temporary export files go on this machine ($TMPDIR). */
  tmpdir: string
  /** Where the client interfaces' own stderr goes; when absent it is kept for error messages. */
  interfaceStderr?: Writable
  signal?: AbortSignal
  /**
   * Words that make a property secret (SECRET_PROPERTY_WORDS and DISNIX_SECRET_PROPERTIES, as the
   * session read them): their values are shown as `***` in progress lines and messages.
   */
  secretProperties?: readonly string[]
}

export interface CallOptions {
  /**
   * Whether the user's interrupt cancels the call. Activities, locks and unlocks are never cancelled
   * half-way: an interruption lets them finish and then rolls back or unlocks.
   */
  cancellable?: boolean
  /** Values that must never appear in the call's error message or in the interface's relayed stderr. */
  secrets?: readonly string[]
}

/** One target of a manifest, reached through its own interface with its target key. */
export function manifestClient(manifest: Manifest, targetName: string, context: DeployContext, options: CallOptions = {}): TargetClient {
  const target = manifest.infrastructure[targetName]
  if (target === undefined) {
    throw new DisnixError('MANIFEST_INVALID', `[target: ${targetName}]: the target is not in the manifest's infrastructure`)
  }
  return clientFor(target, context, options)
}

/** A target reached through its own interface with its target key, with the context's call options. */
export function clientFor(target: Target, context: DeployContext, options: CallOptions = {}): TargetClient {
  const signal = options.cancellable === false ? undefined : context.signal
  // The interface's own messages (a target's "Notifying lock on ...") get the target's prefix.
  const stderr = context.interfaceStderr === undefined ? undefined : prefixLines(context.interfaceStderr, `[target: ${target.name}]: `, options.secrets)
  return targetClient(contextInterfaces(context)(target.clientInterface), targetKey(target), { signal, stderr, secrets: options.secrets })
}

/** The values among an activity's container arguments that must never be shown (libmain's, the one place). */
export { argumentSecrets } from '@disnix-ts/libmain'

/** The interfaces of a context: the injected ones, or a process per call. */
export function contextInterfaces(context: Pick<DeployContext, 'clientInterfaces' | 'env'>): ClientInterfaces {
  return context.clientInterfaces ?? processInterfaces(context.env)
}

/** The message of an error for a progress line: one line per problem, no stack. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
