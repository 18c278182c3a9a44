import { Option } from 'commander'
import { helpSections, interfaceOption, keepOption, runTool, targetPropertyOption, toolCommand } from '@disnix-ts/libmain'

interface Options {
  keep: number
  container?: string
  component?: string
  interface: string
  targetProperty: string
  xml?: boolean
  verbose?: boolean
}

const program = toolCommand('disnix-clean-snapshots', 'Remove old snapshot generations on every target of an infrastructure')
  .argument('<infrastructure>', 'Infrastructure model (a Nix expression, or XML with --xml)')
  .addOption(keepOption())
  .addOption(new Option('-c, --container <name>', 'Only snapshots of this container'))
  .addOption(new Option('-C, --component <name>', 'Only snapshots of this component'))
  .addOption(interfaceOption())
  .addOption(targetPropertyOption())
  .option('--xml', 'The infrastructure model is an XML file (as disnix-normalize-infra writes it)')
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'On all targets at once, removes every snapshot generation of every component (or of the selected',
        'container/component) except the latest --keep ones, and the snapshots no kept generation refers to.',
      ],
      Environment: [
        'DISNIX_CLIENT_INTERFACE  Default client interface (default: disnix-ssh-client)',
        'DISNIX_TARGET_PROPERTY   Default target property (default: hostname)',
        'SSH_OPTS, SSH_USER       Passed on to disnix-ssh-client',
      ],
      'Exit status': ['0  done on every target', '1  the infrastructure model is invalid, or cleaning failed on a target'],
    }),
  )
  .action(async (infrastructureFile: string, opts: Options) => {
    const [{ cleanTargetSnapshots }, { withCoordinatorSession }, { loadInfrastructure }] = await Promise.all([
      import('@disnix-ts/libmigrate'),
      import('../cli/coordinator-context.js'),
      import('@disnix-ts/libinfrastructure'),
    ])
    await withCoordinatorSession(opts, async (session) => {
      const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml })
      await cleanTargetSnapshots({ ...session.context, infrastructure, keep: opts.keep, container: opts.container, component: opts.component })
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
