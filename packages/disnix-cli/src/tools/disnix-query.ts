import { Argument, Option } from 'commander'
import { defineTool, interfaceOption, profileOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'
import { infrastructureXmlOption, type InfrastructureOptions } from '../cli/infrastructure-options.js'

// No --verbose (the original has none): a terminal gets the live view.
export interface DisnixQueryOptions extends InfrastructureOptions, CoordinatorOptions {
  format: 'services' | 'containers' | 'nix' | 'xml'
  profile: string
}

export const disnixQuery = defineTool<DisnixQueryOptions, CoordinatorSession, [infrastructure: string]>({
  name: 'disnix-query',
  summary: 'Show the services installed on every target of an infrastructure',
  session: coordinatorSession,
  arguments: [new Argument('<infrastructure>', 'Infrastructure model (a Nix expression, or XML with --xml)')],
  options: [
    // The original silently keeps the default for an unknown format; we refuse it.
    new Option('-f, --format <format>', 'Output format: services (store paths per target), containers (grouped by container), nix or xml (the profile manifests)')
      .choices(['services', 'containers', 'nix', 'xml'])
      .default('services'),
    profileOption(),
    interfaceOption(),
    targetPropertyOption(),
    infrastructureXmlOption(),
  ],
  sections: {
    Description: [
      'Asks all targets at once for the profile manifest of the profile (-p) and prints, per target, the',
      'services installed there. A target that has never been deployed to shows no services.',
    ],
  },
  environment: [
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> when the infrastructure model needs it' },
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'every target answered' },
    { status: 1, meaning: 'bad options or infrastructure model, or a target could not be queried (it is named)' },
  ],
  async run({ opts, args: [infrastructureFile], session, io }) {
    const [{ queryInstalled }, { loadInfrastructure }, { formatInstalledServices }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('../cli/load-infrastructure.js'),
      import('../cli/query-formats.js'),
    ])
    const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml, env: io.env })
    const installed = await queryInstalled({ ...session.context, infrastructure, profile: opts.profile })
    io.stdout.write(formatInstalledServices(installed, opts.format))
  },
})
