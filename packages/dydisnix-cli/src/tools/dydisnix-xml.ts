import { Option } from 'commander'
import { defineTool, DisnixError } from '@disnix-ts/libmain'
import { dydisnixSession } from '../cli/dydisnix-session.js'
import { MODEL_ENVIRONMENT, modelLoadOptions } from '../cli/model-options.js'

export interface DydisnixXmlOptions {
  services?: string
  infrastructure?: string
  distribution?: string
  idResources?: string
  ids?: string
  extraParams?: string
  showTrace?: boolean
}

export const dydisnixXml = defineTool<DydisnixXmlOptions, undefined, []>({
  name: 'dydisnix-xml',
  summary: 'Print the XML representation of a model, as the Dynamic Disnix executables read it with --xml',
  session: dydisnixSession,
  options: [
    new Option('-s, --services <file>', 'Services model'),
    new Option('-i, --infrastructure <file>', 'Infrastructure model (alone, or to name the targets of -d)'),
    new Option('-d, --distribution <file>', 'Distribution model (needs -i)'),
    new Option('--id-resources <file>', 'ID resources model'),
    new Option('--ids <file>', 'IDs file written by dydisnix-id-assign'),
    new Option('--extra-params <expr>', 'Nix attribute set passed to the models that declare its attributes as arguments'),
    new Option('--show-trace', 'Show a trace of the Nix evaluation when it fails'),
  ],
  sections: {
    Description: ['Exactly one model is printed: -s; or -d with -i; or -i; or --id-resources; or --ids.'],
  },
  environment: MODEL_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'printed' },
    { status: 1, meaning: 'no or bad model' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts, io.env)
    let text: string
    if (opts.services !== undefined) text = lib.printServicesXml(await lib.loadServices(opts.services, load))
    else if (opts.distribution !== undefined) text = lib.printDistributionXml(await lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load))
    else if (opts.infrastructure !== undefined) text = lib.printInfrastructureModelXml(await lib.loadTargets(opts.infrastructure, load))
    else if (opts.idResources !== undefined) text = lib.printIdResourcesXml(await lib.loadIdResources(opts.idResources, load))
    else if (opts.ids !== undefined) text = lib.printIdsXml(await lib.loadIdsConfig(opts.ids, load))
    else throw new DisnixError('USAGE', 'Give one model to print: -s, -i, -d with -i, --id-resources or --ids')
    io.stdout.write(text)
  },
})
