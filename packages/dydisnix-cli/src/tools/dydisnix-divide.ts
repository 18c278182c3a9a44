import { Option } from 'commander'
import { defineTool } from '@disnix-ts/libmain'
import { dydisnixSession } from '../cli/dydisnix-session.js'
import { MODEL_ENVIRONMENT, modelFormatOptions, modelLoadOptions, type ModelFormatOptions } from '../cli/model-options.js'

export interface DydisnixDivideOptions extends ModelFormatOptions {
  strategy: 'greedy' | 'highest-bidder' | 'lowest-bidder'
  services: string
  infrastructure: string
  distribution: string
  serviceProperty: string
  targetProperty: string
}

export const dydisnixDivide = defineTool<DydisnixDivideOptions, undefined, []>({
  name: 'dydisnix-divide',
  summary: 'Divide services over their candidate targets by one numeric capacity (one-dimensional division)',
  session: dydisnixSession,
  options: [
    new Option('--strategy <strategy>', 'Division strategy').choices(['greedy', 'highest-bidder', 'lowest-bidder']).makeOptionMandatory(),
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('-i, --infrastructure <file>', 'Infrastructure model').makeOptionMandatory(),
    new Option('-d, --distribution <file>', 'Distribution model holding the candidate targets of every service').makeOptionMandatory(),
    new Option('--service-property <name>', 'Service property holding what a service needs (e.g. requireMem)').makeOptionMandatory(),
    new Option('--target-property <name>', 'Target property holding the capacity a machine provides (e.g. mem)').makeOptionMandatory(),
    ...modelFormatOptions(),
  ],
  sections: {
    Strategies: [
      'greedy          each service (in sorted order) goes to its first candidate with enough capacity left',
      'highest-bidder  each service goes to the candidate with the most capacity left',
      'lowest-bidder   each service goes to the candidate with the least capacity left that still fits',
      'Capacities are numbers, or strings holding numbers (as discovery reports them).',
    ],
    Output: ['A candidate distribution on stdout: { "service" = [ "target" ]; ... } (Nix), or distribution XML with --output-xml.'],
  },
  environment: MODEL_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'every service got a target' },
    { status: 1, meaning: 'bad options or models, or a service fits on none of its candidates' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts, io.env)
    const [services, infrastructure, distribution] = await Promise.all([
      lib.loadServices(opts.services, load),
      lib.loadTargets(opts.infrastructure, load),
      lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load),
    ])
    const result = lib.divide({ strategy: opts.strategy, services, infrastructure, distribution, serviceProperty: opts.serviceProperty, targetProperty: opts.targetProperty })
    io.stdout.write(lib.printDistribution(result, opts.outputXml === true))
  },
})
