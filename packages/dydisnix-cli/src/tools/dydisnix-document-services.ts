import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { addCatalogueOptions, CATALOGUE_ENVIRONMENT_HELP, type CatalogueOptions } from '../cli/catalogue-options.js'
import { modelLoadOptions } from '../cli/model-options.js'

interface Options extends CatalogueOptions {
  docs?: string
}

const program = addCatalogueOptions(toolCommand('dydisnix-document-services', 'Write an HTML overview of the services model: its services, their properties and groups'))
  .option('--docs <file>', 'Docs configuration: { groups = { <group> = "description"; }; fields = [ "description" "type" ]; descriptions = { type = "Type"; }; }')
  .addHelpText(
    'after',
    helpSections({
      Output: [
        'Without --batch: the HTML page of the group (default: the root) on stdout: a table of its services with the',
        'configured fields (default: description and type) and a table of its sub groups.',
        'With --batch: <output-dir>/<group>/index.html for the root and every group, linking the diagram images',
        'of -f (made by dydisnix-visualize-services --batch), and <output-dir>/style.css.',
      ],
      Environment: CATALOGUE_ENVIRONMENT_HELP,
      'Exit status': ['0  written', '1  bad options or models'],
    }),
  )
  .action(async (opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts)
    const [services, docs] = await Promise.all([lib.loadServices(opts.services, load), opts.docs === undefined ? undefined : lib.loadDocsConfig(opts.docs, load)])
    if (opts.batch) {
      await lib.writeServicesCatalogue(services, { outputDir: opts.outputDir, imageFormat: opts.format, docs, diagrams: false, pages: true })
      return
    }
    process.stdout.write(lib.servicesPage(services, { group: opts.group, docs, groupSubservices: opts.groupSubservices === true }))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
