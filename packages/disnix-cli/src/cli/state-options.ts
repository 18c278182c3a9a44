import { Option } from 'commander'
import { coordinatorProfilePathOption, keepOption, maxConcurrentTransfersOption, profileOption, type EnvironmentVariable } from '@disnix-ts/libmain'
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
    new Option('--verbose', 'Plain progress lines even on a terminal'),
  ]
}

/** The environment variables the state tools read besides their options'. */
export const STATE_ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: 'DYSNOMIA_STATEDIR', meaning: "The coordinator's snapshot store (default: /var/state/dysnomia for root)" },
  { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
  { name: 'TMPDIR', meaning: 'Directory for temporary snapshot copies (default: /tmp)' },
]
