import { Option } from 'commander'
import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addModelFormatOptions, MODEL_ENVIRONMENT_HELP, modelLoadOptions, type ModelFormatOptions } from '../cli/model-options.js'

interface Options extends ModelFormatOptions {
  strategy: 'greedy' | 'highest-bidder' | 'lowest-bidder'
  services: string
  infrastructure: string
  distribution: string
  serviceProperty: string
  targetProperty: string
}

const program = addModelFormatOptions(
  toolCommand('dydisnix-divide', 'Divide services over their candidate targets by one numeric capacity (one-dimensional division)')
    .addOption(new Option('--strategy <strategy>', 'Division strategy').choices(['greedy', 'highest-bidder', 'lowest-bidder']).makeOptionMandatory())
    .requiredOption('-s, --services <file>', 'Services model')
    .requiredOption('-i, --infrastructure <file>', 'Infrastructure model')
    .requiredOption('-d, --distribution <file>', 'Distribution model holding the candidate targets of every service')
    .requiredOption('--service-property <name>', 'Service property holding what a service needs (e.g. requireMem)')
    .requiredOption('--target-property <name>', 'Target property holding the capacity a machine provides (e.g. mem)'),
).addHelpText(
  'after',
  helpSections({
    Strategies: [
      'greedy          each service (in sorted order) goes to its first candidate with enough capacity left',
      'highest-bidder  each service goes to the candidate with the most capacity left',
      'lowest-bidder   each service goes to the candidate with the least capacity left that still fits',
      'Capacities are numbers, or strings holding numbers (as discovery reports them).',
    ],
    Output: ['A candidate distribution on stdout: { "service" = [ "target" ]; ... } (Nix), or distribution XML with --output-xml.'],
    Environment: MODEL_ENVIRONMENT_HELP,
    'Exit status': ['0  every service got a target', '1  bad options or models, or a service fits on none of its candidates'],
  }),
)
  .action(async (opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts)
    const [services, infrastructure, distribution] = await Promise.all([
      lib.loadServices(opts.services, load),
      lib.loadTargets(opts.infrastructure, load),
      lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load),
    ])
    const result = lib.divide({ strategy: opts.strategy, services, infrastructure, distribution, serviceProperty: opts.serviceProperty, targetProperty: opts.targetProperty })
    process.stdout.write(lib.printDistribution(result, opts.outputXml === true))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
