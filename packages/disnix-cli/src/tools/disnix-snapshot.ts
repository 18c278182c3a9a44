import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addStateOptions, STATE_ENVIRONMENT, type StateCliOptions } from '../cli/state-options.js'

const program = addStateOptions(
  toolCommand('disnix-snapshot', 'Snapshot the state of stateful services on the targets and store the snapshots on the coordinator').argument(
    '[manifest]',
    'Manifest of the new configuration (default: the last deployed one, whose state is all snapshotted)',
  ),
)
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Without a manifest, every stateful service of the last deployed configuration is snapshotted.',
        'With --no-upgrade, every stateful service of the manifest. Otherwise only the state that moved',
        'away or was removed: the stateful services of the previous configuration that the manifest no',
        'longer has on the same target. The snapshots are then copied into the coordinator\'s snapshot',
        'store (the Dysnomia store of this machine), the latest one or, with --all, every generation.',
      ],
      Environment: STATE_ENVIRONMENT,
      'Exit status': ['0  the state is snapshotted and stored on the coordinator', '1  a snapshot or transfer failed (see the messages)'],
    }),
  )
  .action(async (manifestArg: string | undefined, opts: StateCliOptions) => {
    const [{ snapshotServices }, { withCoordinatorSession }, { loadStateManifests }] = await Promise.all([
      import('@disnix-ts/libmigrate'),
      import('../cli/coordinator-context.js'),
      import('../cli/state-manifests.js'),
    ])
    await withCoordinatorSession(opts, async (session) => {
      const loaded = await loadStateManifests(manifestArg, { ...opts, user: session.user, hostname: session.hostname, progress: session.progress })
      await snapshotServices({
        ...session.context,
        ...opts,
        manifest: loaded.manifest,
        oldManifest: loaded.oldManifest,
        // Spec §6.3: without a manifest argument all state of the last deployment is snapshotted.
        noUpgrade: !opts.upgrade || loaded.lastDeployed,
      })
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
