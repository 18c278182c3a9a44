import { join, resolve } from 'node:path'
import { helpSections, nixExprDir, runTool, showTraceOption, toolCommand } from '@disnix-ts/libmain'

interface Options {
  services: string
  infrastructure: string
  extraParams?: string
  outLink: boolean
  showTrace?: boolean
}

const program = toolCommand(
  'disnix-gendist-roundrobin',
  'Generate a distribution model that maps the services to the targets round robin, printing its store path',
)
  .requiredOption('-s, --services <file>', 'Services model')
  .requiredOption('-i, --infrastructure <file>', 'Infrastructure model')
  .option('--extra-params <expr>', 'Nix attribute set passed to the services model (the attributes it declares as arguments)')
  .option('--no-out-link', 'Do not create the result symlink in the current directory')
  .addOption(showTraceOption())
  .addHelpText(
    'after',
    helpSections({
      Output: [
        'The store path of distribution.nix on stdout. It maps the services, in sorted order, to the targets',
        'in sorted order, one service per target in turn: `svc = [ infrastructure.target ];`.',
      ],
      Environment: ['NIX_PATH  must provide <nixpkgs> (nixpkgs=/path/to/nixpkgs)'],
      'Exit status': ['0  the distribution model was written', '1  bad options or models'],
    }),
  )
  .action(async (opts: Options) => {
    const { selectModels } = await import('../models/select-models.js')
    const { resolveModelFiles } = await import('../models/resolve-model-files.js')
    const { nixBuild } = await import('@disnix-ts/libnix')
    const cwd = process.cwd()
    const { files } = await resolveModelFiles(
      selectModels({ services: opts.services, infrastructure: opts.infrastructure, distribution: opts.services }, ['models']),
      cwd,
    )
    const [path] = await nixBuild({
      file: join(nixExprDir(), 'gendist-roundrobin.nix'),
      argstrs: { servicesFile: files.servicesFile ?? resolve(opts.services), infrastructureFile: files.infrastructureFile ?? resolve(opts.infrastructure) },
      args: opts.extraParams === undefined ? {} : { extraParams: opts.extraParams },
      noOutLink: !opts.outLink,
      showTrace: opts.showTrace,
      cwd,
    })
    process.stdout.write(`${path}\n`)
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
