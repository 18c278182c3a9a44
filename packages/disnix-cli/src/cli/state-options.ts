import { userInfo } from 'node:os'
import { Option } from 'commander'
import { coordinatorProfilePathOption, keepOption, maxConcurrentTransfersOption, profileOption, type EnvironmentVariable, type ToolIo } from '@disnix-ts/libmain'
import type { CoordinatorOptions } from './coordinator-session.js'

/** The options disnix-snapshot, disnix-restore and disnix-migrate share (spec §6.2–6.5). */
export interface StateCliOptions extends CoordinatorOptions {
  container?: string
  component?: string
  oldManifest?: string
  profile: string
  coordinatorProfilePath?: string
  upgrade: boolean
  transferOnly?: boolean
  depthFirst?: boolean
  all?: boolean
  keep: number
  maxConcurrentTransfers: number
}

/**
 * Spec §6.2: `-c/--container` and `-C/--component` are the filters of the state tools (the opposite of
 * the client interfaces' letters; the long forms are authoritative).
 */
export function stateOptions(): Option[] {
  return [
    new Option('-c, --container <name>', 'Only the state of services in this container'),
    new Option('-C, --component <name>', 'Only the state of this component (service package name)'),
    new Option('-o, --old-manifest <file>', 'Manifest of the previous configuration (default: the last deployed one)'),
    profileOption(),
    coordinatorProfilePathOption(),
    new Option('--no-upgrade', 'Ignore the previous configuration: work on the state of every stateful service'),
    new Option('--transfer-only', 'Only transfer snapshots between the targets and the coordinator; do not snapshot or restore'),
    new Option('--depth-first', 'Per target, one service at a time (snapshot, transfer, restore), removing old snapshots as it goes'),
    new Option('--all', 'Transfer every snapshot generation instead of only the latest'),
    keepOption(),
    maxConcurrentTransfersOption(),
  ]
}

/**
 * The coordinator's snapshot store of a profile: Dysnomia's state dir of this user (DYSNOMIA_STATEDIR)
 * for `default`, its `profiles/<name>` for any other profile (docs/state.md).
 */
export async function snapshotStoreOf(profile: string, io: Pick<ToolIo, 'env'>): Promise<string> {
  const { dysnomiaStateDir, profileSnapshotStore } = await import('@disnix-ts/libstatemgmt')
  const user = userInfo()
  return profileSnapshotStore({ profile, stateDir: dysnomiaStateDir(io.env, { uid: user.uid, home: user.homedir }) })
}

/** DYSNOMIA_STATEDIR as the coordinator tools read it. */
export const SNAPSHOT_STORE_VARIABLE: EnvironmentVariable = {
  name: 'DYSNOMIA_STATEDIR',
  meaning: "Where the coordinator keeps snapshots (default: /var/state/dysnomia for root); profiles\nother than default keep theirs in its profiles/<profile>",
}

/** The environment variables the state tools read besides their options'. */
export const STATE_ENVIRONMENT: readonly EnvironmentVariable[] = [
  SNAPSHOT_STORE_VARIABLE,
  { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
  { name: 'TMPDIR', meaning: 'Directory for temporary snapshot copies (default: /tmp)' },
]
