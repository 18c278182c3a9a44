import { coordinatorProfilePathOption, helpSections, profileOption, runTool, toolCommand } from '@disnix-ts/libmain'

interface Options {
  unlock?: boolean
  profile: string
  coordinatorProfilePath?: string
  verbose?: boolean
}

const program = toolCommand('disnix-lock', 'Lock (or unlock) the Disnix profile on every target of a deployment, all or none')
  .argument('[manifest]', 'Manifest of the deployment (default: the last deployed one)')
  .option('-u, --unlock', 'Release the locks instead of acquiring them')
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Locking asks every service on every target (through its Dysnomia module) whether it may be',
        'upgraded now, then takes the profile lock. When one target refuses, the targets that were',
        'already locked are unlocked again, so either all targets are locked or none is.',
      ],
      Environment: ['DISNIX_PROFILE   Default profile name (default: default)', 'TMPDIR           Directory for temporary files (default: /tmp)'],
      'Exit status': ['0  all targets are locked (unlocked)', '1  locking (unlocking) failed; with --lock no target is left locked'],
    }),
  )
  .action(async (manifestPath: string | undefined, opts: Options) => {
    const [{ lockTargets, unlockTargets }, { withCoordinatorSession }, { manifestArgumentOrLast }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('../cli/coordinator-context.js'),
      import('../cli/manifests.js'),
    ])
    await withCoordinatorSession(opts, async (session) => {
      const { manifest } = await manifestArgumentOrLast(manifestPath, { ...opts, user: session.user }, session.hostname)
      const options = { ...session.context, manifest, profile: opts.profile }
      await (opts.unlock ? unlockTargets(options) : lockTargets(options))
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
