import { Option } from 'commander'
import { defineTool } from '@disnix-ts/libmain'
import { CATALOGUE_ENVIRONMENT, catalogueOptions, type CatalogueOptions } from '../cli/catalogue-options.js'
import { dydisnixSession } from '../cli/dydisnix-session.js'
import { modelLoadOptions } from '../cli/model-options.js'

export interface DydisnixDocumentServicesOptions extends CatalogueOptions {
  docs?: string
}

export const dydisnixDocumentServices = defineTool<DydisnixDocumentServicesOptions, undefined, []>({
  name: 'dydisnix-document-services',
  summary: 'Write an HTML overview of the services model: its services, their properties and groups',
  session: dydisnixSession,
  options: [
    ...catalogueOptions(),
    new Option('--docs <file>', 'Docs configuration: { groups = { <group> = "description"; }; fields = [ "description" "type" ]; descriptions = { type = "Type"; }; }'),
  ],
  sections: {
    Output: [
      'Without --batch: the HTML page of the group (default: the root) on stdout: a table of its services with the',
      'configured fields (default: description and type) and a table of its sub groups.',
      'With --batch: <output-dir>/<group>/index.html for the root and every group, linking the diagram images',
      'of -f (made by dydisnix-visualize-services --batch), and <output-dir>/style.css.',
    ],
  },
  environment: CATALOGUE_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'written' },
    { status: 1, meaning: 'bad options or models' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts, io.env)
    const [services, docs] = await Promise.all([lib.loadServices(opts.services, load), opts.docs === undefined ? undefined : lib.loadDocsConfig(opts.docs, load)])
    if (opts.batch) {
      await lib.writeServicesCatalogue(services, { outputDir: opts.outputDir, imageFormat: opts.format, docs, diagrams: false, pages: true })
      return
    }
    io.stdout.write(lib.servicesPage(services, { group: opts.group, docs, groupSubservices: opts.groupSubservices === true }))
  },
})
