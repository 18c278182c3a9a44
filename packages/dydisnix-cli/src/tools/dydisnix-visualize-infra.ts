import { Option } from 'commander'
import { defineTool } from '@disnix-ts/libmain'
import { dydisnixSession } from '../cli/dydisnix-session.js'
import { MODEL_ENVIRONMENT, modelLoadOptions } from '../cli/model-options.js'

export interface DydisnixVisualizeInfraOptions {
  infrastructure: string
  xml?: boolean
}

export const dydisnixVisualizeInfra = defineTool<DydisnixVisualizeInfraOptions, undefined, []>({
  name: 'dydisnix-visualize-infra',
  summary: 'Print a picture of the machines of an infrastructure model and their containers, in the DOT language',
  session: dydisnixSession,
  options: [
    new Option('-i, --infrastructure <file>', 'Infrastructure model').makeOptionMandatory(),
    new Option('--xml', 'The infrastructure model is infrastructure XML, not a Nix expression'),
  ],
  sections: {
    Output: ['A DOT graph on stdout: one cluster per machine holding its containers. Render it with Graphviz:', 'dydisnix-visualize-infra -i infrastructure.nix | dot -Tsvg > infrastructure.svg'],
  },
  environment: MODEL_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'printed' },
    { status: 1, meaning: 'bad options or model' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    io.stdout.write(lib.infrastructureDot(await lib.loadTargets(opts.infrastructure, modelLoadOptions(opts, io.env))))
  },
})
