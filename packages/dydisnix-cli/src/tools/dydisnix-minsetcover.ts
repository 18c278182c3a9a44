import { Option } from 'commander'
import { defineTool } from '@disnix-ts/libmain'
import { dydisnixSession } from '../cli/dydisnix-session.js'
import { MODEL_ENVIRONMENT, modelFormatOptions, modelLoadOptions, type ModelFormatOptions } from '../cli/model-options.js'

export interface DydisnixMinsetcoverOptions extends ModelFormatOptions {
  services: string
  infrastructure: string
  distribution: string
  targetProperty: string
}

export const dydisnixMinsetcover = defineTool<DydisnixMinsetcoverOptions, undefined, []>({
  name: 'dydisnix-minsetcover',
  summary: 'Map the services to the cheapest set of machines that can host them all (minimum set cover approximation)',
  session: dydisnixSession,
  options: [
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('-i, --infrastructure <file>', 'Infrastructure model').makeOptionMandatory(),
    new Option('-d, --distribution <file>', 'Distribution model holding the candidate targets of every service').makeOptionMandatory(),
    new Option('--target-property <name>', 'Target property holding the cost of a machine (missing counts as 0)').makeOptionMandatory(),
    ...modelFormatOptions(),
  ],
  sections: {
    Description: [
      'Greedy approximation: repeatedly picks the machine with the lowest cost per service it would newly host,',
      'until every service is hosted. The result costs at most H(n) times the optimum (n services); it is not',
      'always the cheapest.',
    ],
    Output: ['A candidate distribution on stdout (Nix), or distribution XML with --output-xml.'],
  },
  environment: MODEL_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'success' },
    { status: 1, meaning: 'bad options or models, or a service without candidates' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts, io.env)
    const [infrastructure, distribution] = await Promise.all([
      lib.loadTargets(opts.infrastructure, load),
      lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load),
      lib.loadServices(opts.services, load),
    ])
    io.stdout.write(lib.printDistribution(lib.minSetCover({ infrastructure, distribution, targetProperty: opts.targetProperty }), opts.outputXml === true))
  },
})
