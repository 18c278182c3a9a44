import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { CATALOGUE_ENVIRONMENT_HELP } from '../cli/catalogue-options.js'
import { modelLoadOptions } from '../cli/model-options.js'

interface Options {
  services: string
  docs?: string
  xml?: boolean
  outputDir: string
  format: string
  extraParams?: string
  showTrace?: boolean
}

const program = toolCommand('dydisnix-generate-services-docs', 'Generate an HTML catalogue of the services model with Graphviz diagrams, one page per group')
  .requiredOption('-s, --services <file>', 'Services model')
  .option('--docs <file>', 'Docs configuration (see dydisnix-document-services)')
  .option('--xml', 'The services model is services XML, not a Nix expression')
  .option('--output-dir <dir>', 'Directory to write the catalogue to', '.')
  .option('-f, --format <format>', 'Image format of the diagrams (svg, png, ...)', 'svg')
  .option('--extra-params <expr>', 'Nix attribute set passed to the services model (the attributes it declares)')
  .option('--show-trace', 'Show a trace of the Nix evaluation when it fails')
  .addHelpText(
    'after',
    helpSections({
      Output: [
        'For the root and every group (services with a `group` property; sub groups separated by /):',
        '<output-dir>/<group>/diagram.dot, its image diagram.dot.<format> and index.html; plus style.css.',
        'Open <output-dir>/index.html. The same as dydisnix-visualize-services --batch followed by',
        'dydisnix-document-services --batch.',
      ],
      Environment: CATALOGUE_ENVIRONMENT_HELP,
      'Exit status': ['0  written', '1  bad options or models, or dot failed'],
    }),
  )
  .action(async (opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = modelLoadOptions(opts)
    const [services, docs] = await Promise.all([lib.loadServices(opts.services, load), opts.docs === undefined ? undefined : lib.loadDocsConfig(opts.docs, load)])
    const groups = await lib.writeServicesCatalogue(services, { outputDir: opts.outputDir, imageFormat: opts.format, docs, diagrams: true, pages: true })
    process.stderr.write(`[coordinator]: Wrote the catalogue of ${groups.length} page(s) to ${opts.outputDir}/index.html\n`)
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
