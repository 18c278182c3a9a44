import { helpSections, interfaceOption, runTool, targetPropertyOption, toolCommand } from '@disnix-ts/libmain'

interface Options {
  deleteOld?: boolean
  interface: string
  targetProperty: string
  xml?: boolean
  verbose?: boolean
}

const program = toolCommand('disnix-collect-garbage', 'Run the Nix garbage collector on every target of an infrastructure')
  .argument('<infrastructure>', 'Infrastructure model (a Nix expression, or XML with --xml)')
  .option('-d, --delete-old', 'Delete the old generations of every profile on the targets first, so only the current ones are kept')
  .addOption(interfaceOption())
  .addOption(targetPropertyOption())
  .option('--xml', 'The infrastructure model is an XML file (as disnix-normalize-infra writes it)')
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'On all targets at once, removes the store paths no profile or other garbage collector root refers',
        'to. The deployed services stay: they are referenced by the Disnix profiles.',
      ],
      Environment: [
        'DISNIX_CLIENT_INTERFACE  Default client interface (default: disnix-ssh-client)',
        'DISNIX_TARGET_PROPERTY   Default target property holding a machine address (default: hostname)',
        'NIX_PATH                 Must provide <nixpkgs> when the infrastructure model needs it',
        'SSH_OPTS, SSH_USER       Passed on to disnix-ssh-client',
        'TMPDIR                   Directory for temporary files (default: /tmp)',
      ],
      'Exit status': ['0  collected on every target', '1  bad options or infrastructure model, or the collector failed on a target (it is named)'],
    }),
  )
  .action(async (infrastructureFile: string, opts: Options) => {
    const [{ collectGarbageOnTargets }, { withCoordinatorSession }, { loadInfrastructure }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('../cli/coordinator-context.js'),
      import('@disnix-ts/libinfrastructure'),
    ])
    const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml })
    await withCoordinatorSession(opts, async (session) => {
      await collectGarbageOnTargets({ ...session.context, infrastructure, deleteOld: opts.deleteOld === true })
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
