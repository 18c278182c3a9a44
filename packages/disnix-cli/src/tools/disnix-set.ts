import { resolve } from 'node:path'
import { coordinatorProfilePathOption, helpSections, profileOption, runTool, toolCommand } from '@disnix-ts/libmain'

interface Options {
  profile: string
  coordinatorProfilePath?: string
  coordinatorProfile: boolean
  targetProfiles: boolean
  verbose?: boolean
}

const program = toolCommand('disnix-set', 'Set the Disnix profiles of the targets and the coordinator profile to a manifest')
  .argument('<manifest>', 'Manifest file of the deployment')
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .option('--no-coordinator-profile', 'Do not set the coordinator profile')
  .option('--no-target-profiles', 'Do not set the profiles on the targets')
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Description: ['An unchanged configuration adds no generation, neither on the targets nor on the coordinator.'],
      Environment: ['DISNIX_PROFILE   Default profile name (default: default)'],
      'Exit status': ['0  the profiles are set', '1  setting a profile failed'],
    }),
  )
  .action(async (manifestPath: string, opts: Options) => {
    const [{ readManifest }, { setProfiles }, { withCoordinatorSession }] = await Promise.all([
      import('@disnix-ts/libmanifest'),
      import('@disnix-ts/libdeploy'),
      import('../cli/coordinator-context.js'),
    ])
    await withCoordinatorSession(opts, async (session) => {
      const manifest = await readManifest(manifestPath, { defaultTarget: session.hostname })
      await setProfiles({
        ...session.context,
        manifest,
        manifestPath: resolve(manifestPath),
        profile: opts.profile,
        coordinatorProfilePath: opts.coordinatorProfilePath,
        user: session.user,
        noCoordinatorProfile: !opts.coordinatorProfile,
        noTargetProfiles: !opts.targetProfiles,
      })
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
