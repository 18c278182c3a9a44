import type { Writable } from 'node:stream'
import { processInterfaces, targetClient, type ClientInterfaces, type TargetClient } from '@disnix-ts/libinterface'
import { targetKey, type Target } from '@disnix-ts/libinfrastructure'
import type { ProgressSink } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'

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
}

/** A target reached through its own interface and key. */
export function stateClient(target: Target, context: StateContext): TargetClient {
  const interfaces = context.clientInterfaces ?? processInterfaces(context.env)
  return targetClient(interfaces(target.clientInterface), targetKey(target), { signal: context.signal, stderr: context.interfaceStderr })
}

/** The message of an error for a progress line: no stack. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
