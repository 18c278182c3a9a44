import { Argument } from 'commander'
import { defineTool } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorSession } from '../cli/coordinator-session.js'
import { STATE_ENVIRONMENT, stateOptions, type StateCliOptions } from '../cli/state-options.js'

export const disnixSnapshot = defineTool<StateCliOptions, CoordinatorSession, [manifest?: string]>({
  name: 'disnix-snapshot',
  summary: 'Snapshot the state of stateful services on the targets and store the snapshots on the coordinator',
  session: coordinatorSession,
  arguments: [new Argument('[manifest]', 'Manifest of the new configuration (default: the last deployed one, whose state is all snapshotted)')],
  options: stateOptions(),
  sections: {
    Description: [
      'Without a manifest, every stateful service of the last deployed configuration is snapshotted.',
      'With --no-upgrade, every stateful service of the manifest. Otherwise only the state that moved',
      'away or was removed: the stateful services of the previous configuration that the manifest no',
      "longer has on the same target. The snapshots are then copied into the coordinator's snapshot",
      'store (the Dysnomia store of this machine), the latest one or, with --all, every generation.',
    ],
  },
  environment: STATE_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'the state is snapshotted and stored on the coordinator' },
    { status: 1, meaning: 'a snapshot or transfer failed (see the messages)' },
  ],
  async run({ opts, args: [manifestArg], session }) {
    const [{ snapshotServices }, { loadStateManifests }] = await Promise.all([import('@disnix-ts/libmigrate'), import('../cli/state-manifests.js')])
    const loaded = await loadStateManifests(manifestArg, { ...opts, user: session.user, hostname: session.hostname, progress: session.progress })
    await snapshotServices({
      ...session.context,
      ...opts,
      manifest: loaded.manifest,
      oldManifest: loaded.oldManifest,
      // Spec §6.3: without a manifest argument all state of the last deployment is snapshotted.
      noUpgrade: !opts.upgrade || loaded.lastDeployed,
    })
  },
})
