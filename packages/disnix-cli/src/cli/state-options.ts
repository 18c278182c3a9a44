import { Option, type Command } from 'commander'
import { coordinatorProfilePathOption, keepOption, maxConcurrentTransfersOption, profileOption } from '@disnix-ts/libmain'

/** The options disnix-snapshot, disnix-restore and disnix-migrate share (spec §6.2–6.5). */
export interface StateCliOptions {
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
  verbose?: boolean
}

/**
 * Spec §6.2: `-c/--container` and `-C/--component` are the filters of the state tools (the opposite of
 * the client interfaces' letters; the long forms are authoritative).
 */
export function addStateOptions(program: Command): Command {
  return program
    .addOption(new Option('-c, --container <name>', 'Only the state of services in this container'))
    .addOption(new Option('-C, --component <name>', 'Only the state of this component (service package name)'))
    .option('-o, --old-manifest <file>', 'Manifest of the previous configuration (default: the last deployed one)')
    .addOption(profileOption())
    .addOption(coordinatorProfilePathOption())
    .option('--no-upgrade', 'Ignore the previous configuration: work on the state of every stateful service')
    .option('--transfer-only', 'Only transfer snapshots between the targets and the coordinator; do not snapshot or restore')
    .option('--depth-first', 'Per target, one service at a time (snapshot, transfer, restore), removing old snapshots as it goes')
    .option('--all', 'Transfer every snapshot generation instead of only the latest')
    .addOption(keepOption())
    .addOption(maxConcurrentTransfersOption())
    .option('--verbose', 'Plain progress lines even on a terminal')
}

/** The help lines of the shared environment variables. */
export const STATE_ENVIRONMENT = [
  'DISNIX_PROFILE     Default profile name (default: default)',
  'DYSNOMIA_STATEDIR  The coordinator\'s snapshot store (default: /var/state/dysnomia for root)',
  'SSH_OPTS, SSH_USER Passed on to disnix-ssh-client',
  'TMPDIR             Directory for temporary snapshot copies (default: /tmp)',
]
