import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addModelFormatOptions, MODEL_ENVIRONMENT_HELP, modelLoadOptions, type ModelFormatOptions } from '../cli/model-options.js'

interface Options extends ModelFormatOptions {
  services: string
  infrastructure: string
  outputGraph?: boolean
  outputResolvedGraph?: boolean
}

const program = addModelFormatOptions(
  toolCommand('dydisnix-graphcol', 'Map interdependent services to different machines, with as few machines as possible (graph colouring approximation)')
    .requiredOption('-s, --services <file>', 'Services model')
    .requiredOption('-i, --infrastructure <file>', 'Infrastructure model: its targets, in sorted order, are the colours')
    .option('--output-graph', 'Print the service graph in the DOT language')
    .option('--output-resolved-graph', 'Print the coloured service graph in the DOT language'),
).addHelpText(
  'after',
  helpSections({
    Description: [
      'DSatur: services are vertices, dependsOn/connectsTo edges, targets colours. Every dependency becomes a',
      'network link, which is useful to test a system for reliability and recoverability. DSatur may use more',
      'machines than needed; it fails when the targets run out.',
    ],
    Output: ['A candidate distribution on stdout (Nix), distribution XML with --output-xml, or a DOT graph.'],
    Environment: MODEL_ENVIRONMENT_HELP,
    'Exit status': ['0  success', '1  bad options or models, or not enough targets'],
  }),
)
  .action(async (opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts)
    const [services, infrastructure] = await Promise.all([lib.loadServices(opts.services, load), lib.loadTargets(opts.infrastructure, load)])
    if (opts.outputGraph || opts.outputResolvedGraph) {
      process.stdout.write(lib.colouringDot({ services, infrastructure }, opts.outputResolvedGraph === true))
      return
    }
    process.stdout.write(lib.printDistribution(lib.graphColouring({ services, infrastructure }), opts.outputXml === true))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
