import { helpSections, runTool, toolCommand } from '@disnix-ts/libmain'
import { MODEL_ENVIRONMENT_HELP, modelLoadOptions } from '../cli/model-options.js'

interface Options {
  infrastructure: string
  xml?: boolean
}

const program = toolCommand('dydisnix-visualize-infra', 'Print a picture of the machines of an infrastructure model and their containers, in the DOT language')
  .requiredOption('-i, --infrastructure <file>', 'Infrastructure model')
  .option('--xml', 'The infrastructure model is infrastructure XML, not a Nix expression')
  .addHelpText(
    'after',
    helpSections({
      Output: ['A DOT graph on stdout: one cluster per machine holding its containers. Render it with Graphviz:', 'dydisnix-visualize-infra -i infrastructure.nix | dot -Tsvg > infrastructure.svg'],
      Environment: MODEL_ENVIRONMENT_HELP,
      'Exit status': ['0  printed', '1  bad options or model'],
    }),
  )
  .action(async (opts: Options) => {
    const lib = await import('@disnix-ts/libdydisnix')
    process.stdout.write(lib.infrastructureDot(await lib.loadTargets(opts.infrastructure, modelLoadOptions(opts))))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
