import { helpSections, maxConcurrentTransfersOption, runTool, toolCommand } from '@disnix-ts/libmain'

interface Options {
  maxConcurrentTransfers: number
  verbose?: boolean
}

const program = toolCommand('disnix-build', 'Build the store derivations of a distributed derivation on their targets and copy the results back')
  .argument('<distributed-derivation>', 'Distributed derivation file (distributedderivation.xml, as disnix-instantiate writes it)')
  .addOption(maxConcurrentTransfersOption())
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        "Copies each store derivation's closure to the target it is mapped to, realises all of them there at",
        "once, then copies the outputs' closures into this machine's store. Each target is reached through the",
        'client interface the distributed derivation names for it.',
      ],
      Environment: ['SSH_OPTS, SSH_USER  Passed on to disnix-ssh-client', 'TMPDIR             Directory for temporary files (default: /tmp)'],
      'Exit status': ['0  everything was built and copied back', '1  an invalid distributed derivation, or a transfer or build failed (the target is named)'],
    }),
  )
  .action(async (file: string, opts: Options) => {
    const [{ buildOnTargets }, { readDistributedDerivation }, { withCoordinatorSession }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('@disnix-ts/libdistderivation'),
      import('../cli/coordinator-context.js'),
    ])
    const derivation = await readDistributedDerivation(file)
    await withCoordinatorSession(opts, async (session) => {
      await buildOnTargets({ ...session.context, ...derivation, maxConcurrentTransfers: opts.maxConcurrentTransfers })
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
