import { Option } from 'commander'
import { defineTool } from '@disnix-ts/libmain'
import { CATALOGUE_ENVIRONMENT } from '../cli/catalogue-options.js'
import { dydisnixSession } from '../cli/dydisnix-session.js'
import { modelLoadOptions } from '../cli/model-options.js'

export interface DydisnixGenerateServicesDocsOptions {
  services: string
  docs?: string
  xml?: boolean
  outputDir: string
  format: string
  extraParams?: string
  showTrace?: boolean
}

export const dydisnixGenerateServicesDocs = defineTool<DydisnixGenerateServicesDocsOptions, undefined, []>({
  name: 'dydisnix-generate-services-docs',
  summary: 'Generate an HTML catalogue of the services model with Graphviz diagrams, one page per group',
  session: dydisnixSession,
  options: [
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('--docs <file>', 'Docs configuration (see dydisnix-document-services)'),
    new Option('--xml', 'The services model is services XML, not a Nix expression'),
    new Option('--output-dir <dir>', 'Directory to write the catalogue to').default('.'),
    new Option('-f, --format <format>', 'Image format of the diagrams (svg, png, ...)').default('svg'),
    new Option('--extra-params <expr>', 'Nix attribute set passed to the services model (the attributes it declares)'),
    new Option('--show-trace', 'Show a trace of the Nix evaluation when it fails'),
  ],
  sections: {
    Output: [
      'For the root and every group (services with a `group` property; sub groups separated by /):',
      '<output-dir>/<group>/diagram.dot, its image diagram.dot.<format> and index.html; plus style.css.',
      'Open <output-dir>/index.html. The same as dydisnix-visualize-services --batch followed by',
      'dydisnix-document-services --batch.',
    ],
  },
  environment: CATALOGUE_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'written' },
    { status: 1, meaning: 'bad options or models, or dot failed' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts, io.env)
    const [services, docs] = await Promise.all([lib.loadServices(opts.services, load), opts.docs === undefined ? undefined : lib.loadDocsConfig(opts.docs, load)])
    const groups = await lib.writeServicesCatalogue(services, { outputDir: opts.outputDir, imageFormat: opts.format, docs, diagrams: true, pages: true })
    io.stderr.write(`[coordinator]: Wrote the catalogue of ${groups.length} page(s) to ${opts.outputDir}/index.html\n`)
  },
})
