import { Option } from 'commander'
import { helpSections, interfaceOption, profileOption, runTool, targetPropertyOption, toolCommand } from '@disnix-ts/libmain'

interface Options {
  format: 'services' | 'containers' | 'nix' | 'xml'
  profile: string
  interface: string
  targetProperty: string
  xml?: boolean
}

const program = toolCommand('disnix-query', 'Show the services installed on every target of an infrastructure')
  .argument('<infrastructure>', 'Infrastructure model (a Nix expression, or XML with --xml)')
  .addOption(
    // The original silently keeps the default for an unknown format; we refuse it.
    new Option('-f, --format <format>', 'Output format: services (store paths per target), containers (grouped by container), nix or xml (the profile manifests)')
      .choices(['services', 'containers', 'nix', 'xml'])
      .default('services'),
  )
  .addOption(profileOption())
  .addOption(interfaceOption())
  .addOption(targetPropertyOption())
  .option('--xml', 'The infrastructure model is an XML file (as disnix-normalize-infra writes it)')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Asks all targets at once for the profile manifest of the profile (-p) and prints, per target, the',
        'services installed there. A target that has never been deployed to shows no services.',
      ],
      Environment: [
        'DISNIX_PROFILE           Default profile name (default: default)',
        'DISNIX_CLIENT_INTERFACE  Default client interface (default: disnix-ssh-client)',
        'DISNIX_TARGET_PROPERTY   Default target property holding a machine address (default: hostname)',
        'NIX_PATH                 Must provide <nixpkgs> when the infrastructure model needs it',
        'SSH_OPTS, SSH_USER       Passed on to disnix-ssh-client',
        'TMPDIR                   Directory for temporary files (default: /tmp)',
      ],
      'Exit status': ['0  every target answered', '1  bad options or infrastructure model, or a target could not be queried (it is named)'],
    }),
  )
  .action(async (infrastructureFile: string, opts: Options) => {
    const [{ queryInstalled }, { loadInfrastructure }, { formatInstalledServices }, { plainProgress }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('@disnix-ts/libinfrastructure'),
      import('../cli/query-formats.js'),
      import('@disnix-ts/libmain'),
    ])
    const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml })
    const installed = await queryInstalled({ progress: plainProgress(process.stderr), tmpdir: process.env.TMPDIR || '/tmp', infrastructure, profile: opts.profile })
    process.stdout.write(formatInstalledServices(installed, opts.format))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
