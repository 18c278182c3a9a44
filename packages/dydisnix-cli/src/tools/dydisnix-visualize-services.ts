import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addCatalogueOptions, CATALOGUE_ENVIRONMENT_HELP, type CatalogueOptions } from '../cli/catalogue-options.js'
import { modelLoadOptions } from '../cli/model-options.js'

const program = addCatalogueOptions(toolCommand('dydisnix-visualize-services', 'Draw the services model: services as nodes, inter-dependencies as arrows, in the DOT language')).addHelpText(
  'after',
  helpSections({
    Output: [
      'Without --batch: the DOT graph of the group (default: everything) on stdout; dependsOn arrows are solid,',
      'connectsTo arrows dashed, sub group nodes dashed, services that provide containers have a double border.',
      'Services outside the group that it depends on, or that depend on it, are shown greyed.',
      'With --batch: <output-dir>/<group>/diagram.dot for the root and every group (sub groups merged), and with',
      '-f their images (diagram.dot.<format>), rendered by Graphviz\'s dot.',
    ],
    Environment: CATALOGUE_ENVIRONMENT_HELP,
    'Exit status': ['0  written', '1  bad options or model, or dot failed'],
  }),
)
  .action(async (opts: CatalogueOptions) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const services = await lib.loadServices(opts.services, modelLoadOptions(opts))
    if (opts.batch) {
      await lib.writeServicesCatalogue(services, { outputDir: opts.outputDir, imageFormat: opts.format, diagrams: true, pages: false })
      return
    }
    process.stdout.write(lib.servicesDot(lib.groupView(services, { group: opts.group, groupSubservices: opts.groupSubservices === true, context: true })))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
