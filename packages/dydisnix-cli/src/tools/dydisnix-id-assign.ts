import { Option } from 'commander'
import { defineTool } from '@disnix-ts/libmain'
import { dydisnixSession, tmpdirOf } from '../cli/dydisnix-session.js'
import { MODEL_ENVIRONMENT, modelLoadOptions } from '../cli/model-options.js'

export interface DydisnixIdAssignOptions {
  services: string
  infrastructure?: string
  distribution?: string
  idResources: string
  ids?: string
  serviceProperty: string
  outputFile?: string
  extraParams?: string
  xml?: boolean
  outputXml?: boolean
  showTrace?: boolean
}

export const dydisnixIdAssign = defineTool<DydisnixIdAssignOptions, undefined, []>({
  name: 'dydisnix-id-assign',
  summary: 'Assign unique numeric IDs (TCP ports, UIDs, ...) to services, keeping earlier assignments stable',
  session: dydisnixSession,
  options: [
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('-i, --infrastructure <file>', 'Infrastructure model (to read a Nix distribution model)'),
    new Option('-d, --distribution <file>', 'Distribution model: only deployed services get IDs, machine-scoped ones per target'),
    new Option('--id-resources <file>', 'ID resources model: { ports = { min = 3000; max = 4000; scope = "global"; step = 1; }; ... }').makeOptionMandatory(),
    new Option('--ids <file>', 'The IDs file of the previous run, whose valid assignments are kept'),
    new Option('--service-property <name>', 'Service property listing the resources a service needs unique IDs of').default('requireUniqueIdsFor'),
    new Option('--output-file <file>', 'Write the IDs file here instead of to stdout (may be the same file as --ids)'),
    new Option('--extra-params <expr>', 'Nix attribute set passed to the models that declare its attributes as arguments'),
    new Option('--xml', 'The input models are XML files, not Nix expressions'),
    new Option('--output-xml', 'Write the IDs as XML instead of a Nix expression'),
    new Option('--show-trace', 'Show a trace of the Nix evaluation when it fails'),
  ],
  sections: {
    Description: [
      'A service keeps its IDs while it still asks for the resource (its requireUniqueIdsFor), is still deployed',
      '(with -d) and, for a machine-scoped resource, stays on its target. Other services get the next free ID',
      'after the last one handed out; IDs of removed services become free once the search wraps around at max.',
      'Without -d every service of the services model gets IDs, and only global resources are allowed.',
    ],
    Output: ['{ ids = { <resource> = { <service> = ID; }; }; lastAssignments = { ... }; ... } (Nix), or XML.'],
  },
  environment: MODEL_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'written' },
    { status: 1, meaning: 'bad options or models, or a resource ran out of IDs' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts, io.env)
    const [services, resources, previous, distribution] = await Promise.all([
      lib.loadServices(opts.services, load),
      lib.loadIdResources(opts.idResources, load),
      opts.ids === undefined ? lib.emptyIdsConfig() : lib.loadIdsConfig(opts.ids, load),
      opts.distribution === undefined ? undefined : lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load),
    ])
    const ids = lib.assignIds({ services, resources, previous, distribution, serviceProperty: opts.serviceProperty, resourcesLabel: `ID resources model ${opts.idResources}` })
    const text = opts.outputXml ? lib.printIdsXml(ids) : lib.printIdsNix(ids)
    if (opts.outputFile === undefined) io.stdout.write(text)
    else await lib.writeModelFile(text, { file: opts.outputFile, tmpdir: tmpdirOf(io.env), prefix: 'ids' })
  },
})
