import { resolve } from 'node:path'
import { Option } from 'commander'
import {
  coordinatorProfilePathOption,
  envFlag,
  helpSections,
  keepOption,
  maxConcurrentTransfersOption,
  profileOption,
  runTool,
  toolCommand,
} from '@disnix-ts/libmain'

interface Options {
  maxConcurrentTransfers: number
  oldManifest?: string
  profile: string
  coordinatorProfilePath?: string
  upgrade: boolean
  migration: boolean
  lock: boolean
  rollback: boolean
  deleteState?: boolean
  transferOnly?: boolean
  depthFirst?: boolean
  all?: boolean
  keep: number
  coordinatorProfile: boolean
  targetProfiles: boolean
  dryRun?: boolean
  verbose?: boolean
}

const program = toolCommand('disnix-deploy', 'Deploy a manifest: distribute closures, lock, activate, migrate state, set profiles, unlock')
  .argument('<manifest>', 'Manifest file of the new configuration')
  .addOption(maxConcurrentTransfersOption())
  .option('-o, --old-manifest <file>', 'Manifest of the configuration that is active now (default: the last deployed one)')
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .option('--no-upgrade', 'Ignore the previous manifest: activate every service as in a first deployment')
  .option('--no-migration', 'Do not snapshot, transfer and restore the state of stateful services')
  .option('--no-lock', 'Do not lock the targets')
  .option('--no-rollback', 'Do not roll back when the transition fails')
  .addOption(new Option('--delete-state', 'Delete the obsolete state of services that moved or were removed (also DISNIX_DELETE_STATE=1)'))
  .option('--transfer-only', 'Transfer snapshots, but do not snapshot or restore')
  .option('--depth-first', 'Snapshot, transfer and restore one service at a time, cleaning old snapshots as it goes')
  .option('--all', 'Transfer all snapshot generations instead of only the latest')
  .addOption(keepOption())
  .option('--no-coordinator-profile', 'Do not set the coordinator profile')
  .option('--no-target-profiles', 'Do not set the profiles on the targets')
  .option('--dry-run', 'Print what would be transferred, deactivated and activated per target, and change nothing')
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Environment: [
        'DISNIX_PROFILE        Default profile name (default: default)',
        'DISNIX_DELETE_STATE   When 1, acts as --delete-state',
        'TMPDIR                Directory for temporary files (default: /tmp)',
      ],
      'Exit status': ['0  deployed', '1  the deployment failed; the previous configuration is active', '2  the state migration failed (the new configuration is active; see the hint)'],
    }),
  )
  .action(async (manifestArg: string, opts: Options) => {
    const [{ readManifest }, deployLib, { withCoordinatorSession }, { loadPreviousManifest }, { migrateWithTool }] = await Promise.all([
      import('@disnix-ts/libmanifest'),
      import('@disnix-ts/libdeploy'),
      import('../cli/coordinator-context.js'),
      import('../cli/manifests.js'),
      import('../cli/migrate-step.js'),
    ])
    const manifestArgPath = resolve(manifestArg)
    await withCoordinatorSession(opts, async (session) => {
      const built = await readManifest(manifestArgPath, { defaultTarget: session.hostname })
      const previous = await loadPreviousManifest({ ...opts, user: session.user }, session.hostname, session.progress)
      const { manifest, manifestPath, keptDeployed } = await deployLib.keepEquivalentDeployment({
        manifest: built,
        manifestPath: manifestArgPath,
        oldManifest: previous.manifest,
        oldManifestPath: previous.path,
      })
      if (keptDeployed) session.progress({ kind: 'message', text: `The new configuration is the deployed one (same manifest, same profile contents); keeping: ${manifestPath}` })
      if (opts.dryRun) {
        const plan = await deployLib.planDeployment({ ...session.context, manifest, oldManifest: opts.upgrade ? previous.manifest : undefined })
        process.stdout.write(deployLib.formatDeploymentPlan(plan))
        return
      }
      try {
        await deployLib.deploy({
          ...session.context,
          manifest,
          manifestPath,
          oldManifest: previous.manifest,
          oldManifestPath: previous.path,
          profile: opts.profile,
          coordinatorProfilePath: opts.coordinatorProfilePath,
          user: session.user,
          maxConcurrentTransfers: opts.maxConcurrentTransfers,
          noUpgrade: !opts.upgrade,
          noRollback: !opts.rollback,
          noMigration: !opts.migration,
          noLock: !opts.lock,
          deleteState: opts.deleteState === true || envFlag(process.env, 'DISNIX_DELETE_STATE'),
          transferOnly: opts.transferOnly,
          depthFirst: opts.depthFirst,
          all: opts.all,
          keep: opts.keep,
          noCoordinatorProfile: !opts.coordinatorProfile,
          noTargetProfiles: !opts.targetProfiles,
          migrate: migrateWithTool({ manifestPath, oldManifestPath: previous.path, profile: opts.profile, coordinatorProfilePath: opts.coordinatorProfilePath }),
        })
      } catch (error) {
        session.progress({ kind: 'message', text: 'The deployment failed! Please inspect the output to diagnose any problems!' })
        throw error
      }
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
