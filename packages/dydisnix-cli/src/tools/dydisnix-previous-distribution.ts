import { coordinatorProfilePathOption, helpSections, profileOption, runTool, toolCommand } from '@disnix-ts/libmain'

interface Options {
  profile: string
  coordinatorProfilePath?: string
  outputXml?: boolean
}

const program = toolCommand('dydisnix-previous-distribution', 'Print the distribution of a deployed manifest as a candidate distribution (what QoS models get as previousDistribution)')
  .argument('[manifest]', 'Manifest file (default: the last deployment of the profile)')
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .option('--output-xml', 'Write distribution XML instead of a Nix expression')
  .addHelpText(
    'after',
    helpSections({
      Output: ['{ "service" = [ "target" ... ]; ... } (Nix), or distribution XML; { } when nothing was deployed yet.'],
      Environment: ['DISNIX_PROFILE  Default profile name (default: default)'],
      'Exit status': ['0  printed', '1  the manifest cannot be read'],
    }),
  )
  .action(async (manifest: string | undefined, opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const distribution = await lib.deployedDistribution({ manifest, profile: opts.profile, coordinatorProfilePath: opts.coordinatorProfilePath })
    process.stdout.write(lib.printDistribution(distribution ?? {}, opts.outputXml === true))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
