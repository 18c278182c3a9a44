import { Option } from 'commander'
import { defineTool } from '@disnix-ts/libmain'
import { dydisnixSession } from '../cli/dydisnix-session.js'
import { MODEL_ENVIRONMENT, modelFormatOptions, modelLoadOptions, type ModelFormatOptions } from '../cli/model-options.js'

export interface DydisnixGraphcolOptions extends ModelFormatOptions {
  services: string
  infrastructure: string
  outputGraph?: boolean
  outputResolvedGraph?: boolean
}

export const dydisnixGraphcol = defineTool<DydisnixGraphcolOptions, undefined, []>({
  name: 'dydisnix-graphcol',
  summary: 'Map interdependent services to different machines, with as few machines as possible (graph colouring approximation)',
  session: dydisnixSession,
  options: [
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('-i, --infrastructure <file>', 'Infrastructure model: its targets, in sorted order, are the colours').makeOptionMandatory(),
    new Option('--output-graph', 'Print the service graph in the DOT language'),
    new Option('--output-resolved-graph', 'Print the coloured service graph in the DOT language'),
    ...modelFormatOptions(),
  ],
  sections: {
    Description: [
      'DSatur: services are vertices, dependsOn/connectsTo edges, targets colours. Every dependency becomes a',
      'network link, which is useful to test a system for reliability and recoverability. DSatur may use more',
      'machines than needed; it fails when the targets run out.',
    ],
    Output: ['A candidate distribution on stdout (Nix), distribution XML with --output-xml, or a DOT graph.'],
  },
  environment: MODEL_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'success' },
    { status: 1, meaning: 'bad options or models, or not enough targets' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts, io.env)
    const [services, infrastructure] = await Promise.all([lib.loadServices(opts.services, load), lib.loadTargets(opts.infrastructure, load)])
    if (opts.outputGraph || opts.outputResolvedGraph) {
      io.stdout.write(lib.colouringDot({ services, infrastructure }, opts.outputResolvedGraph === true))
      return
    }
    io.stdout.write(lib.printDistribution(lib.graphColouring({ services, infrastructure }), opts.outputXml === true))
  },
})
