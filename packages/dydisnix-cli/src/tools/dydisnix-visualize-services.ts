import { defineTool } from '@disnix-ts/libmain'
import { CATALOGUE_ENVIRONMENT, catalogueOptions, type CatalogueOptions } from '../cli/catalogue-options.js'
import { dydisnixSession } from '../cli/dydisnix-session.js'
import { modelLoadOptions } from '../cli/model-options.js'

export const dydisnixVisualizeServices = defineTool<CatalogueOptions, undefined, []>({
  name: 'dydisnix-visualize-services',
  summary: 'Draw the services model: services as nodes, inter-dependencies as arrows, in the DOT language',
  session: dydisnixSession,
  options: catalogueOptions(),
  sections: {
    Output: [
      'Without --batch: the DOT graph of the group (default: everything) on stdout; dependsOn arrows are solid,',
      'connectsTo arrows dashed, sub group nodes dashed, services that provide containers have a double border.',
      'Services outside the group that it depends on, or that depend on it, are shown greyed.',
      'With --batch: <output-dir>/<group>/diagram.dot for the root and every group (sub groups merged), and with',
      '-f their images (diagram.dot.<format>), rendered by Graphviz\'s dot.',
    ],
  },
  environment: CATALOGUE_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'written' },
    { status: 1, meaning: 'bad options or model, or dot failed' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const services = await lib.loadServices(opts.services, modelLoadOptions(opts, io.env))
    if (opts.batch) {
      await lib.writeServicesCatalogue(services, { outputDir: opts.outputDir, imageFormat: opts.format, diagrams: true, pages: false })
      return
    }
    io.stdout.write(lib.servicesDot(lib.groupView(services, { group: opts.group, groupSubservices: opts.groupSubservices === true, context: true })))
  },
})
