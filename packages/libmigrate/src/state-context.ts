import type { Writable } from 'node:stream'
import { processInterfaces, targetClient, type ClientInterfaces, type TargetClient } from '@disnix-ts/libinterface'
import { targetKey, type Target } from '@disnix-ts/libinfrastructure'
import { argumentSecrets, prefixLines, type ProgressSink } from '@disnix-ts/libmain'
import type { Manifest, SnapshotMapping } from '@disnix-ts/libmanifest'

/** What every state operation needs from its caller (the tool); a libdeploy DeployContext fits. */
export interface StateContext {
  progress: ProgressSink
  /** The client interface of each name, as the tool chose them (a process per call without it). */
  clientInterfaces?: ClientInterfaces
  /**
   * Extra environment for client interfaces started as processes and for the coordinator's
   * `dysnomia-snapshots` (SSH_OPTS, DYSNOMIA_STATEDIR, ...), merged over the parent's.
   */
  env?: NodeJS.ProcessEnv
  /** Where temporary snapshot copies go on this machine ($TMPDIR). */
  tmpdir: string
  /** Where the client interfaces' own stderr goes; when absent it is kept for error messages. */
  interfaceStderr?: Writable
  signal?: AbortSignal
  /**
   * The coordinator's snapshot store of the profile (a Dysnomia state dir, see libstatemgmt's
   * profileSnapshotStore); absent: Dysnomia's own default of the environment.
   */
  snapshotStore?: string
  /** The profile whose deployment this is, named in messages about its snapshot store. */
  profile?: string
  /**
   * Words that make a property secret (as the session read them): their values are shown as `***`
   * in the messages of failed state activities and in the interfaces' relayed stderr.
   */
  secretProperties?: readonly string[]
}

/** The environment of the coordinator's dysnomia-snapshots: the profile's store. */
export function snapshotStoreEnv(context: StateContext): NodeJS.ProcessEnv | undefined {
  return context.snapshotStore === undefined ? context.env : { ...context.env, DYSNOMIA_STATEDIR: context.snapshotStore }
}

/** The options shared by snapshot, restore and migrate (spec §6.3–6.5). */
export interface StateOptions extends StateContext {
  /** The new configuration: its infrastructure says where the targets are. */
  manifest: Manifest
  /** The configuration deployed before (absent on a first deployment). */
  oldManifest?: Manifest
  /** Ignore the previous configuration: every snapshot mapping of `manifest` is selected. */
  noUpgrade?: boolean
  /** Only move snapshots between the stores; do not snapshot or restore on the targets. */
  transferOnly?: boolean
  /** One service at a time per target: snapshot → transfer → clean (or transfer → restore → clean). */
  depthFirst?: boolean
  /** Transfer every snapshot generation instead of the latest only. */
  all?: boolean
  /** Generations a depth-first run keeps on the targets (default 1). */
  keep?: number
  /** Targets whose snapshots are transferred at once (-m, default 2). */
  maxConcurrentTransfers?: number
  /**
   * Snapshot mappings already snapshotted on their targets during this deployment (before their
   * container's provider was deactivated): they are retrieved, not snapshotted again.
   */
  snapshotted?: readonly SnapshotMapping[]
}

/**
 * A target reached through its own interface and key. The values of secret properties among `args`
 * (the activity's container arguments) never show in the call's error or the interface's stderr.
 */
export function stateClient(target: Target, context: StateContext, args: readonly string[] = []): TargetClient {
  const interfaces = context.clientInterfaces ?? processInterfaces(context.env)
  const secrets = argumentSecrets(args, context)
  // Masked, not prefixed: the interface's lines reach the stderr as they are otherwise.
  const stderr = context.interfaceStderr === undefined || secrets.length === 0 ? context.interfaceStderr : prefixLines(context.interfaceStderr, '', secrets)
  return targetClient(interfaces(target.clientInterface), targetKey(target), { signal: context.signal, stderr, secrets })
}

/** The message of an error for a progress line: no stack. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
