import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addModelFormatOptions, MODEL_ENVIRONMENT_HELP, modelLoadOptions, type ModelFormatOptions } from '../cli/model-options.js'

interface Options extends ModelFormatOptions {
  services: string
  infrastructure: string
  distribution: string
  targetProperty: string
}

const program = addModelFormatOptions(
  toolCommand('dydisnix-minsetcover', 'Map the services to the cheapest set of machines that can host them all (minimum set cover approximation)')
    .requiredOption('-s, --services <file>', 'Services model')
    .requiredOption('-i, --infrastructure <file>', 'Infrastructure model')
    .requiredOption('-d, --distribution <file>', 'Distribution model holding the candidate targets of every service')
    .requiredOption('--target-property <name>', 'Target property holding the cost of a machine (missing counts as 0)'),
).addHelpText(
  'after',
  helpSections({
    Description: [
      'Greedy approximation: repeatedly picks the machine with the lowest cost per service it would newly host,',
      'until every service is hosted. The result costs at most H(n) times the optimum (n services); it is not',
      'always the cheapest.',
    ],
    Output: ['A candidate distribution on stdout (Nix), or distribution XML with --output-xml.'],
    Environment: MODEL_ENVIRONMENT_HELP,
    'Exit status': ['0  success', '1  bad options or models, or a service without candidates'],
  }),
)
  .action(async (opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts)
    const [infrastructure, distribution] = await Promise.all([
      lib.loadTargets(opts.infrastructure, load),
      lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load),
      lib.loadServices(opts.services, load),
    ])
    process.stdout.write(lib.printDistribution(lib.minSetCover({ infrastructure, distribution, targetProperty: opts.targetProperty }), opts.outputXml === true))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
