import { Argument, Option } from 'commander'
import { defineTool, DisnixError, interfaceOption, profileOption, targetPropertyOption } from '@disnix-ts/libmain'
import type { Service } from '@disnix-ts/libmanifest'
import type { QueryFormat } from '../cli/query-formats.js'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'
import { infrastructureXmlOption, type InfrastructureOptions } from '../cli/infrastructure-options.js'

// No --verbose (the original has none): a terminal gets the live view.
export interface DisnixQueryOptions extends InfrastructureOptions, CoordinatorOptions {
  format: 'services' | 'containers' | 'nix' | 'xml' | 'json'
  profile: string
  status?: boolean
}

export const disnixQuery = defineTool<DisnixQueryOptions, CoordinatorSession, [infrastructure: string]>({
  name: 'disnix-query',
  summary: 'Show the services installed on every target of an infrastructure',
  session: coordinatorSession,
  arguments: [new Argument('<infrastructure>', 'Infrastructure model (a Nix expression, or XML with --xml)')],
  options: [
    // The original silently keeps the default for an unknown format; we refuse it.
    new Option('-f, --format <format>', 'Output format: services (store paths per target), containers (grouped by container), nix or xml (the profile manifests); with --status: services (text) or json')
      .choices(['services', 'containers', 'nix', 'xml', 'json'])
      .default('services'),
    new Option('--status', "Check each installed service's health (Dysnomia check) and print healthy, failing (with the reason) or unknown per target and service"),
    profileOption(),
    interfaceOption(),
    targetPropertyOption(),
    infrastructureXmlOption(),
  ],
  sections: {
    Description: [
      'Asks all targets at once for the profile manifest of the profile (-p) and prints, per target, the',
      'services installed there. A target that has never been deployed to shows no services.',
      'With --status it also runs the check of every installed service (all targets at once, numOfCores',
      'checks per target) and prints healthy, failing with the reason, or unknown (a module without check).',
    ],
  },
  environment: [
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> when the infrastructure model needs it' },
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'every target answered' },
    { status: 1, meaning: 'bad options or infrastructure model, or a target could not be queried (it is named)' },
    { status: 2, meaning: 'with --status: the check of one or more services fails (they are named)', codes: ['SERVICES_FAILING'] },
  ],
  async run({ opts, args: [infrastructureFile], session, io }) {
    const [{ queryInstalled }, { loadInfrastructure }, { formatInstalledServices }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('../cli/load-infrastructure.js'),
      import('../cli/query-formats.js'),
    ])
    const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml, env: io.env })
    if (opts.format === 'json' && !opts.status) throw new DisnixError('USAGE', '--format json is only available with --status')
    if (opts.status && !['services', 'json'].includes(opts.format)) throw new DisnixError('USAGE', `--format ${opts.format} cannot be combined with --status (use services or json)`)
    const installed = await queryInstalled({ ...session.context, infrastructure, profile: opts.profile })
    if (!opts.status) {
      io.stdout.write(formatInstalledServices(installed, opts.format as QueryFormat))
      return
    }
    const { checkDeployment } = await import('@disnix-ts/libdeploy')
    const { formatServiceStatuses } = await import('../cli/query-formats.js')
    const deployment = {
      infrastructure,
      services: Object.assign({}, ...installed.map((i) => i.profileManifest.services)) as Record<string, Service>,
      serviceMappings: installed.flatMap((i) => i.profileManifest.serviceMappings),
    }
    const statuses = await checkDeployment({ ...session.context, manifest: deployment })
    io.stdout.write(formatServiceStatuses(installed.map((i) => i.target), statuses, opts.format === 'json' ? 'json' : 'text'))
    const failing = statuses.filter((s) => s.outcome.status === 'failing')
    if (failing.length > 0) {
      throw new DisnixError('SERVICES_FAILING', `${failing.length} service${failing.length === 1 ? '' : 's'} failing: ${failing.map((s) => `${s.name} on ${s.target}`).join(', ')}`, {
        hint: 'bring them back with: disnix-env --repair (or disnix-activate --repair MANIFEST)',
      })
    }
  },
})
