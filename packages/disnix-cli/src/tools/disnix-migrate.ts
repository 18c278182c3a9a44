import { envFlag, helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addStateOptions, STATE_ENVIRONMENT, type StateCliOptions } from '../cli/state-options.js'

const program = addStateOptions(
  toolCommand('disnix-migrate', 'Move the state of stateful services that changed machine: snapshot, transfer, restore').argument(
    '<manifest>',
    'Manifest of the new configuration',
  ),
)
  .option('--delete-state', 'Afterwards delete the obsolete state the previous configuration left behind (also DISNIX_DELETE_STATE=1)')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Snapshots the state that moved away or was removed (disnix-snapshot), copies it through the',
        'coordinator\'s snapshot store and restores the state that arrived (disnix-restore). On a first',
        'deployment nothing is snapshotted and whatever the coordinator holds for the stateful services is',
        'restored. With --delete-state (and a previous configuration, and without --no-upgrade) the state',
        'of deactivated services of the previous configuration is deleted afterwards (disnix-delete-state);',
        'state that is still in use is never deleted.',
      ],
      Environment: [...STATE_ENVIRONMENT, 'DISNIX_DELETE_STATE When 1, acts as --delete-state'],
      'Exit status': ['0  the state is migrated', '1  a snapshot, transfer, restore or deletion failed; nothing was deleted when an earlier step failed'],
    }),
  )
  .action(async (manifestArg: string, opts: StateCliOptions & { deleteState?: boolean }) => {
    const [{ migrate }, { withCoordinatorSession }, { loadStateManifests }] = await Promise.all([
      import('@disnix-ts/libmigrate'),
      import('../cli/coordinator-context.js'),
      import('../cli/state-manifests.js'),
    ])
    await withCoordinatorSession(opts, async (session) => {
      const loaded = await loadStateManifests(manifestArg, { ...opts, user: session.user, hostname: session.hostname, progress: session.progress })
      await migrate({
        ...session.context,
        ...opts,
        manifest: loaded.manifest,
        oldManifest: loaded.oldManifest,
        noUpgrade: !opts.upgrade,
        deleteState: opts.deleteState === true || envFlag(process.env, 'DISNIX_DELETE_STATE'),
      })
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
