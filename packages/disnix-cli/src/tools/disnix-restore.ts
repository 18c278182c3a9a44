import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addStateOptions, STATE_ENVIRONMENT, type StateCliOptions } from '../cli/state-options.js'

const program = addStateOptions(
  toolCommand('disnix-restore', 'Send snapshots from the coordinator to the targets and restore the state of stateful services').argument(
    '[manifest]',
    'Manifest of the new configuration (default: the last deployed one)',
  ),
)
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'With --no-upgrade, or when no previous configuration is known, the state of every stateful',
        'service of the manifest is restored; otherwise only the state that was newly placed (the stateful',
        'services the previous configuration did not have on the same target). Without a manifest the',
        'previous configuration is the manifest itself, so only --no-upgrade restores anything.',
        'Every snapshot is checked against its checksum before it is sent; a corrupt one is refused.',
      ],
      Environment: STATE_ENVIRONMENT,
      'Exit status': ['0  the state is restored', '1  a transfer or restore failed, or a snapshot is corrupt (see the messages)'],
    }),
  )
  .action(async (manifestArg: string | undefined, opts: StateCliOptions) => {
    const [{ restoreServices }, { withCoordinatorSession }, { loadStateManifests }] = await Promise.all([
      import('@disnix-ts/libmigrate'),
      import('../cli/coordinator-context.js'),
      import('../cli/state-manifests.js'),
    ])
    await withCoordinatorSession(opts, async (session) => {
      const loaded = await loadStateManifests(manifestArg, { ...opts, user: session.user, hostname: session.hostname, progress: session.progress })
      await restoreServices({
        ...session.context,
        ...opts,
        manifest: loaded.manifest,
        oldManifest: loaded.oldManifest,
        noUpgrade: !opts.upgrade,
      })
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
