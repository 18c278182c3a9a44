import { Argument } from 'commander'
import { defineTool } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorSession } from '../cli/coordinator-session.js'
import { STATE_ENVIRONMENT, stateOptions, type StateCliOptions } from '../cli/state-options.js'

export const disnixRestore = defineTool<StateCliOptions, CoordinatorSession, [manifest?: string]>({
  name: 'disnix-restore',
  summary: 'Send snapshots from the coordinator to the targets and restore the state of stateful services',
  session: coordinatorSession,
  arguments: [new Argument('[manifest]', 'Manifest of the new configuration (default: the last deployed one)')],
  options: stateOptions(),
  sections: {
    Description: [
      'With --no-upgrade, or when no previous configuration is known, the state of every stateful',
      'service of the manifest is restored; otherwise only the state that was newly placed (the stateful',
      'services the previous configuration did not have on the same target). Without a manifest the',
      'previous configuration is the manifest itself, so only --no-upgrade restores anything.',
      'Every snapshot is checked against its checksum before it is sent; a corrupt one is refused.',
    ],
  },
  environment: STATE_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'the state is restored' },
    { status: 1, meaning: 'a transfer or restore failed, or a snapshot is corrupt (see the messages)' },
  ],
  async run({ opts, args: [manifestArg], session }) {
    const [{ restoreServices }, { loadStateManifests }] = await Promise.all([import('@disnix-ts/libmigrate'), import('../cli/state-manifests.js')])
    const loaded = await loadStateManifests(manifestArg, { ...opts, user: session.user, hostname: session.hostname, progress: session.progress })
    await restoreServices({
      ...session.context,
      ...opts,
      manifest: loaded.manifest,
      oldManifest: loaded.oldManifest,
      noUpgrade: !opts.upgrade,
    })
  },
})
