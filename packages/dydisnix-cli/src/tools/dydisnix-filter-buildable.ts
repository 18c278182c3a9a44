import { helpSections, interfaceOption, plainProgress, runTool, targetPropertyOption, toolCommand } from '@disnix-ts/libmain'

interface Options {
  services: string
  infrastructure: string
  distribution: string
  targetProperty: string
  interface: string
  extraParams?: string
  outputXml?: boolean
}

const program = toolCommand('dydisnix-filter-buildable', 'Drop the candidate targets of a distribution that a service cannot be instantiated for')
  .requiredOption('-s, --services <file>', 'Services model')
  .requiredOption('-i, --infrastructure <file>', 'Infrastructure model')
  .requiredOption('-d, --distribution <file>', 'Distribution model holding the candidate targets of every service')
  .addOption(targetPropertyOption())
  .addOption(interfaceOption())
  .option('--extra-params <expr>', 'Nix attribute set passed to the models that declare its attributes as arguments')
  .option('--output-xml', 'Write distribution XML instead of a Nix expression')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Runs nix-instantiate once per service and candidate, through the same model pipeline as disnix-manifest,',
        'for the target\'s system; every candidate whose evaluation fails is dropped (reported on stderr).',
      ],
      Output: ['A candidate distribution on stdout (Nix), or distribution XML with --output-xml.'],
      Environment: [
        'DISNIX_TARGET_PROPERTY    Default target property holding a machine address (default: hostname)',
        'DISNIX_CLIENT_INTERFACE   Default client interface (default: disnix-ssh-client)',
        'NIX_PATH                  Must provide <nixpkgs>',
        'TMPDIR                    Directory for temporary files (default: /tmp)',
      ],
      'Exit status': ['0  printed', '1  bad options or models'],
    }),
  )
  .action(async (opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = { extraParams: opts.extraParams, targetProperty: opts.targetProperty, clientInterface: opts.interface }
    const distribution = await lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load)
    const result = await lib.filterBuildable({
      servicesFile: opts.services,
      infrastructureFile: opts.infrastructure,
      distribution,
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      extraParams: opts.extraParams,
      tmpdir: process.env.TMPDIR || '/tmp',
      progress: plainProgress(process.stderr),
    })
    process.stdout.write(lib.printDistribution(result, opts.outputXml === true))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
