import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { MODEL_ENVIRONMENT_HELP, modelLoadOptions } from '../cli/model-options.js'

interface Options {
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

const program = toolCommand('dydisnix-id-assign', 'Assign unique numeric IDs (TCP ports, UIDs, ...) to services, keeping earlier assignments stable')
  .requiredOption('-s, --services <file>', 'Services model')
  .option('-i, --infrastructure <file>', 'Infrastructure model (to read a Nix distribution model)')
  .option('-d, --distribution <file>', 'Distribution model: only deployed services get IDs, machine-scoped ones per target')
  .requiredOption('--id-resources <file>', 'ID resources model: { ports = { min = 3000; max = 4000; scope = "global"; step = 1; }; ... }')
  .option('--ids <file>', 'The IDs file of the previous run, whose valid assignments are kept')
  .option('--service-property <name>', 'Service property listing the resources a service needs unique IDs of', 'requireUniqueIdsFor')
  .option('--output-file <file>', 'Write the IDs file here instead of to stdout (may be the same file as --ids)')
  .option('--extra-params <expr>', 'Nix attribute set passed to the models that declare its attributes as arguments')
  .option('--xml', 'The input models are XML files, not Nix expressions')
  .option('--output-xml', 'Write the IDs as XML instead of a Nix expression')
  .option('--show-trace', 'Show a trace of the Nix evaluation when it fails')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'A service keeps its IDs while it still asks for the resource (its requireUniqueIdsFor), is still deployed',
        '(with -d) and, for a machine-scoped resource, stays on its target. Other services get the next free ID',
        'after the last one handed out; IDs of removed services become free once the search wraps around at max.',
        'Without -d every service of the services model gets IDs, and only global resources are allowed.',
      ],
      Output: ['{ ids = { <resource> = { <service> = ID; }; }; lastAssignments = { ... }; ... } (Nix), or XML.'],
      Environment: MODEL_ENVIRONMENT_HELP,
      'Exit status': ['0  written', '1  bad options or models, or a resource ran out of IDs'],
    }),
  )
  .action(async (opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts)
    const [services, resources, previous, distribution] = await Promise.all([
      lib.loadServices(opts.services, load),
      lib.loadIdResources(opts.idResources, load),
      opts.ids === undefined ? lib.emptyIdsConfig() : lib.loadIdsConfig(opts.ids, load),
      opts.distribution === undefined ? undefined : lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load),
    ])
    const ids = lib.assignIds({ services, resources, previous, distribution, serviceProperty: opts.serviceProperty, resourcesLabel: `ID resources model ${opts.idResources}` })
    const text = opts.outputXml ? lib.printIdsXml(ids) : lib.printIdsNix(ids)
    if (opts.outputFile === undefined) process.stdout.write(text)
    else await lib.writeModelFile(text, { file: opts.outputFile, tmpdir: process.env.TMPDIR || '/tmp', prefix: 'ids' })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
