import { Option } from 'commander'
import { defineTool } from '@disnix-ts/libmain'
import { dydisnixSession } from '../cli/dydisnix-session.js'
import { MODEL_ENVIRONMENT, modelFormatOptions, modelLoadOptions, type ModelFormatOptions } from '../cli/model-options.js'

export interface DydisnixMultiwaycutOptions extends ModelFormatOptions {
  services: string
  infrastructure?: string
  distribution: string
  outputGraph?: boolean
  outputResolvedGraph?: boolean
}

export const dydisnixMultiwaycut = defineTool<DydisnixMultiwaycutOptions, undefined, []>({
  name: 'dydisnix-multiwaycut',
  summary: 'Map interdependent services to as few different machines as possible (multiway cut approximation)',
  session: dydisnixSession,
  options: [
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('-i, --infrastructure <file>', 'Infrastructure model (needed to read a Nix distribution model)'),
    new Option('-d, --distribution <file>', 'Distribution model holding the candidate targets of every service').makeOptionMandatory(),
    new Option('--output-graph', 'Print the problem graph (services, candidate machines, links) in the DOT language'),
    new Option('--output-resolved-graph', 'Print the graph with only the links of the result, in the DOT language'),
    ...modelFormatOptions(),
  ],
  sections: {
    Description: [
      'Services are application nodes linked by their dependsOn/connectsTo (weight 1); machines are host nodes',
      'linked to the services they are candidates of (weight n²). For every machine the cut that isolates it from',
      'the other machines is taken; the heaviest cut is discarded and the others removed; a service left without',
      'a machine goes to its first candidate. Every service gets one target. This keeps network links between',
      'machines low, but not always minimal.',
    ],
    Output: ['A candidate distribution on stdout (Nix), distribution XML with --output-xml, or a DOT graph.'],
  },
  environment: MODEL_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'success' },
    { status: 1, meaning: 'bad options or models' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts, io.env)
    const [services, distribution] = await Promise.all([lib.loadServices(opts.services, load), lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load)])
    if (opts.outputGraph || opts.outputResolvedGraph) {
      io.stdout.write(lib.applicationHostGraphDot({ services, distribution }, opts.outputResolvedGraph === true))
      return
    }
    io.stdout.write(lib.printDistribution(lib.multiwayCut({ services, distribution }), opts.outputXml === true))
  },
})
