import { coordinatorProfilePathOption, helpSections, profileOption, runTool, toolCommand } from '@disnix-ts/libmain'

interface Options {
  oldManifest?: string
  profile: string
  coordinatorProfilePath?: string
  upgrade: boolean
  rollback: boolean
  dryRun?: boolean
  verbose?: boolean
}

const program = toolCommand('disnix-activate', 'Activate the services of a manifest: deactivate obsolete services, activate new ones, roll back on failure')
  .argument('<manifest>', 'Manifest file describing the new configuration')
  .option('-o, --old-manifest <file>', 'Manifest of the configuration that is active now (default: the last deployed one)')
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .option('--no-upgrade', 'Ignore the previous manifest: activate every service as in a first deployment')
  .option('--no-rollback', 'Do not roll back when the transition fails')
  .option('--dry-run', 'Print the (de)activations in the order they would run, without touching any target')
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Environment: [
        'DISNIX_PROFILE   Default profile name (default: default)',
        'TMPDIR           Directory for temporary files (default: /tmp)',
      ],
      'Exit status': [
        '0  the new configuration is active',
        '1  the transition failed and the previous configuration is active again (or --no-rollback)',
        '2  the transition failed and restoring the obsolete services failed',
        '3  the transition failed and deactivating the new services failed',
      ],
    }),
  )
  .action(async (manifestPath: string, opts: Options) => {
    const [{ readManifest }, deployLib, { withCoordinatorSession }, { loadPreviousManifest }] = await Promise.all([
      import('@disnix-ts/libmanifest'),
      import('@disnix-ts/libdeploy'),
      import('../cli/coordinator-context.js'),
      import('../cli/manifests.js'),
    ])
    process.exitCode = await withCoordinatorSession(opts, async (session) => {
      const manifest = await readManifest(manifestPath, { defaultTarget: session.hostname })
      const previous = opts.upgrade
        ? await loadPreviousManifest({ ...opts, user: session.user }, session.hostname, session.progress)
        : (session.progress({ kind: 'message', text: 'Forced to do no upgrade! Ignoring the previous manifest file!' }), {})
      const status = await deployLib.activateSystem({ ...session.context, manifest, oldManifest: previous.manifest, noRollback: !opts.rollback, dryRun: opts.dryRun })
      if (status === 0) {
        session.progress({ kind: 'message', text: 'The new configuration has been successfully activated!' })
        return 0
      }
      session.progress({ kind: 'message', text: 'ERROR: Transition phase execution failed!' })
      const command = deployLib.transitionRecoveryCommand(status, { ...opts, manifestPath, oldManifestPath: previous.path })
      if (previous.path && command) session.progress({ kind: 'message', text: `Please inspect the targets, then try: ${command}` })
      return status
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
