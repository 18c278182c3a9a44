import { Argument, Option } from 'commander'
import { defineTool, envFlag } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorSession } from '../cli/coordinator-session.js'
import { STATE_ENVIRONMENT, stateOptions, type StateCliOptions } from '../cli/state-options.js'

export interface DisnixMigrateOptions extends StateCliOptions {
  deleteState?: boolean
}

export const disnixMigrate = defineTool<DisnixMigrateOptions, CoordinatorSession, [manifest: string]>({
  name: 'disnix-migrate',
  summary: 'Move the state of stateful services that changed machine: snapshot, transfer, restore',
  session: coordinatorSession,
  arguments: [new Argument('<manifest>', 'Manifest of the new configuration')],
  options: [
    ...stateOptions(),
    new Option('--delete-state', 'Afterwards delete the obsolete state the previous configuration left behind (also DISNIX_DELETE_STATE=1)'),
  ],
  sections: {
    Description: [
      'Snapshots the state that moved away or was removed (disnix-snapshot), copies it through the',
      "coordinator's snapshot store and restores the state that arrived (disnix-restore). On a first",
      'deployment nothing is snapshotted and whatever the coordinator holds for the stateful services is',
      'restored. With --delete-state (and a previous configuration, and without --no-upgrade) the state',
      'of deactivated services of the previous configuration is deleted afterwards (disnix-delete-state);',
      'state that is still in use is never deleted.',
    ],
  },
  environment: [...STATE_ENVIRONMENT, { name: 'DISNIX_DELETE_STATE', meaning: 'When 1, acts as --delete-state' }],
  exitStatuses: [
    { status: 0, meaning: 'the state is migrated' },
    { status: 1, meaning: 'a snapshot, transfer, restore or deletion failed; nothing was deleted when an earlier step failed' },
  ],
  async run({ opts, args: [manifestArg], session, io }) {
    const [{ migrate }, { loadStateManifests }] = await Promise.all([import('@disnix-ts/libmigrate'), import('../cli/state-manifests.js')])
    const loaded = await loadStateManifests(manifestArg, { ...opts, user: session.user, hostname: session.hostname, progress: session.progress })
    await migrate({
      ...session.context,
      ...opts,
      manifest: loaded.manifest,
      oldManifest: loaded.oldManifest,
      noUpgrade: !opts.upgrade,
      deleteState: opts.deleteState === true || envFlag(io.env, 'DISNIX_DELETE_STATE'),
    })
  },
})
