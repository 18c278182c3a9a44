import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addModelFormatOptions, MODEL_ENVIRONMENT_HELP, modelLoadOptions, type ModelFormatOptions } from '../cli/model-options.js'

interface Options extends ModelFormatOptions {
  services: string
  infrastructure?: string
  distribution: string
  outputGraph?: boolean
  outputResolvedGraph?: boolean
}

const program = addModelFormatOptions(
  toolCommand('dydisnix-multiwaycut', 'Map interdependent services to as few different machines as possible (multiway cut approximation)')
    .requiredOption('-s, --services <file>', 'Services model')
    .option('-i, --infrastructure <file>', 'Infrastructure model (needed to read a Nix distribution model)')
    .requiredOption('-d, --distribution <file>', 'Distribution model holding the candidate targets of every service')
    .option('--output-graph', 'Print the problem graph (services, candidate machines, links) in the DOT language')
    .option('--output-resolved-graph', 'Print the graph with only the links of the result, in the DOT language'),
).addHelpText(
  'after',
  helpSections({
    Description: [
      'Services are application nodes linked by their dependsOn/connectsTo (weight 1); machines are host nodes',
      'linked to the services they are candidates of (weight n²). For every machine the cut that isolates it from',
      'the other machines is taken; the heaviest cut is discarded and the others removed; a service left without',
      'a machine goes to its first candidate. Every service gets one target. This keeps network links between',
      'machines low, but not always minimal.',
    ],
    Output: ['A candidate distribution on stdout (Nix), distribution XML with --output-xml, or a DOT graph.'],
    Environment: MODEL_ENVIRONMENT_HELP,
    'Exit status': ['0  success', '1  bad options or models'],
  }),
)
  .action(async (opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts)
    const [services, distribution] = await Promise.all([lib.loadServices(opts.services, load), lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load)])
    if (opts.outputGraph || opts.outputResolvedGraph) {
      process.stdout.write(lib.applicationHostGraphDot({ services, distribution }, opts.outputResolvedGraph === true))
      return
    }
    process.stdout.write(lib.printDistribution(lib.multiwayCut({ services, distribution }), opts.outputXml === true))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
