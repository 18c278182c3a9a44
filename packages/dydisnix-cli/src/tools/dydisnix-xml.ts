import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { MODEL_ENVIRONMENT_HELP, modelLoadOptions } from '../cli/model-options.js'

interface Options {
  services?: string
  infrastructure?: string
  distribution?: string
  idResources?: string
  ids?: string
  extraParams?: string
  showTrace?: boolean
}

const program = toolCommand('dydisnix-xml', 'Print the XML representation of a model, as the Dynamic Disnix executables read it with --xml')
  .option('-s, --services <file>', 'Services model')
  .option('-i, --infrastructure <file>', 'Infrastructure model (alone, or to name the targets of -d)')
  .option('-d, --distribution <file>', 'Distribution model (needs -i)')
  .option('--id-resources <file>', 'ID resources model')
  .option('--ids <file>', 'IDs file written by dydisnix-id-assign')
  .option('--extra-params <expr>', 'Nix attribute set passed to the models that declare its attributes as arguments')
  .option('--show-trace', 'Show a trace of the Nix evaluation when it fails')
  .addHelpText(
    'after',
    helpSections({
      Description: ['Exactly one model is printed: -s; or -d with -i; or -i; or --id-resources; or --ids.'],
      Environment: MODEL_ENVIRONMENT_HELP,
      'Exit status': ['0  printed', '1  no or bad model'],
    }),
  )
  .action(async (opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const { DisnixError } = await import('@disnix-ts/libmain')
    const load = modelLoadOptions(opts)
    let text: string
    if (opts.services !== undefined) text = lib.printServicesXml(await lib.loadServices(opts.services, load))
    else if (opts.distribution !== undefined) text = lib.printDistributionXml(await lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load))
    else if (opts.infrastructure !== undefined) text = lib.printInfrastructureModelXml(await lib.loadTargets(opts.infrastructure, load))
    else if (opts.idResources !== undefined) text = lib.printIdResourcesXml(await lib.loadIdResources(opts.idResources, load))
    else if (opts.ids !== undefined) text = lib.printIdsXml(await lib.loadIdsConfig(opts.ids, load))
    else throw new DisnixError('USAGE', 'Give one model to print: -s, -i, -d with -i, --id-resources or --ids')
    process.stdout.write(text)
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
