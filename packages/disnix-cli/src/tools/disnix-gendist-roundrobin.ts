import { join, resolve } from 'node:path'
import { Option } from 'commander'
import { defineTool, nixExprDir, showTraceOption } from '@disnix-ts/libmain'
import { coordinatorLocalSession, type CoordinatorLocalSession } from '../cli/coordinator-session.js'

export interface DisnixGendistRoundrobinOptions {
  services: string
  infrastructure: string
  extraParams?: string
  outLink: boolean
  showTrace?: boolean
}

export const disnixGendistRoundrobin = defineTool<DisnixGendistRoundrobinOptions, CoordinatorLocalSession, []>({
  name: 'disnix-gendist-roundrobin',
  summary: 'Generate a distribution model that maps the services to the targets round robin, printing its store path',
  session: coordinatorLocalSession,
  options: [
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('-i, --infrastructure <file>', 'Infrastructure model').makeOptionMandatory(),
    new Option('--extra-params <expr>', 'Nix attribute set passed to the services model (the attributes it declares as arguments)'),
    new Option('--no-out-link', 'Do not create the result symlink in the current directory'),
    showTraceOption(),
  ],
  sections: {
    Output: [
      'The store path of distribution.nix on stdout. It maps the services, in sorted order, to the targets',
      'in sorted order, one service per target in turn: `svc = [ infrastructure.target ];`.',
    ],
  },
  environment: [{ name: 'NIX_PATH', meaning: 'must provide <nixpkgs> (nixpkgs=/path/to/nixpkgs)' }],
  exitStatuses: [
    { status: 0, meaning: 'the distribution model was written' },
    { status: 1, meaning: 'bad options or models' },
  ],
  async run({ opts, io }) {
    const [{ selectModels }, { resolveModelFiles }, { nixBuild }] = await Promise.all([
      import('../models/select-models.js'),
      import('../models/resolve-model-files.js'),
      import('@disnix-ts/libnix'),
    ])
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
    io.stdout.write(`${path}\n`)
  },
})
