import { helpSections, interfaceOption, runTool, targetPropertyOption, toolCommand } from '@disnix-ts/libmain'

interface Options {
  interface: string
  targetProperty: string
  xml?: boolean
}

const program = toolCommand('disnix-capture-infra', 'Print an infrastructure model built from the Dysnomia configuration the targets report')
  .argument('<infrastructure>', 'Infrastructure model naming the targets to ask (a Nix expression, or XML with --xml)')
  .addOption(interfaceOption())
  .addOption(targetPropertyOption())
  .option('--xml', 'The infrastructure model is an XML file (as disnix-normalize-infra writes it)')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Asks all targets at once for their machine properties (/etc/dysnomia/properties) and containers',
        '(/etc/dysnomia/containers/*) and prints them as one Nix expression, { "<target>" = { properties = ...;',
        'containers = ...; }; ... }, usable as an infrastructure model.',
      ],
      Environment: [
        'DISNIX_CLIENT_INTERFACE  Default client interface (default: disnix-ssh-client)',
        'DISNIX_TARGET_PROPERTY   Default target property holding a machine address (default: hostname)',
        'NIX_PATH                 Must provide <nixpkgs> when the infrastructure model needs it',
        'SSH_OPTS, SSH_USER       Passed on to disnix-ssh-client',
      ],
      'Exit status': ['0  every target answered', '1  bad options or infrastructure model, or a target failed (the others are still printed)'],
    }),
  )
  .action(async (infrastructureFile: string, opts: Options) => {
    const [{ captureInfrastructure }, { loadInfrastructure }, { DisnixError, plainProgress }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('@disnix-ts/libinfrastructure'),
      import('@disnix-ts/libmain'),
    ])
    const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml })
    const captured = await captureInfrastructure({ progress: plainProgress(process.stderr), tmpdir: process.env.TMPDIR || '/tmp', infrastructure })
    process.stdout.write(captured.expression)
    if (captured.failed.length > 0) throw new DisnixError('CAPTURE_FAILED', `Cannot capture the configuration of: ${captured.failed.join(', ')}`)
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
