import { helpSections, maxConcurrentTransfersOption, runTool, toolCommand } from '@disnix-ts/libmain'

interface Options {
  maxConcurrentTransfers: number
  verbose?: boolean
}

const program = toolCommand('disnix-distribute', "Copy the closure of every target's profile to that target, sending only missing paths")
  .argument('<manifest>', 'Manifest file of the deployment')
  .addOption(maxConcurrentTransfersOption())
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Environment: ['TMPDIR   Directory for the temporary closure files (default: /tmp)'],
      'Exit status': ['0  every target has its closure', '1  a transfer failed'],
    }),
  )
  .action(async (manifestPath: string, opts: Options) => {
    const [{ readManifest }, { distribute }, { withCoordinatorSession }] = await Promise.all([
      import('@disnix-ts/libmanifest'),
      import('@disnix-ts/libdeploy'),
      import('../cli/coordinator-context.js'),
    ])
    await withCoordinatorSession(opts, async (session) => {
      const manifest = await readManifest(manifestPath, { defaultTarget: session.hostname })
      await distribute({ ...session.context, manifest, maxConcurrentTransfers: opts.maxConcurrentTransfers })
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
