import { helpSections, interfaceOption, maxConcurrentTransfersOption, profileOption, runTool, targetPropertyOption, toolCommand } from '@disnix-ts/libmain'

interface Options {
  profile: string
  maxConcurrentTransfers: number
  interface: string
  targetProperty: string
  xml?: boolean
  verbose?: boolean
}

const program = toolCommand('disnix-capture-manifest', 'Print the deployment the targets have installed as a Nix deployment model')
  .argument('<infrastructure>', 'Infrastructure model naming the targets (a Nix expression, or XML with --xml)')
  .addOption(profileOption())
  .addOption(maxConcurrentTransfersOption())
  .addOption(interfaceOption())
  .addOption(targetPropertyOption())
  .option('--xml', 'The infrastructure model is an XML file (as disnix-normalize-infra writes it)')
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        "Asks every target for its Disnix profile (-p), copies each profile's closure to this machine and",
        'combines their profile manifests with the infrastructure into a deployment model on stdout, the',
        'input of `disnix-manifest -D`. Targets without the profile are reported and left out.',
      ],
      Environment: [
        'DISNIX_PROFILE           Default profile name (default: default)',
        'DISNIX_CLIENT_INTERFACE  Default client interface (default: disnix-ssh-client)',
        'DISNIX_TARGET_PROPERTY   Default target property holding a machine address (default: hostname)',
        'NIX_PATH                 Must provide <nixpkgs> when the infrastructure model needs it',
        'SSH_OPTS, SSH_USER       Passed on to disnix-ssh-client',
        'TMPDIR                   Directory for temporary files (default: /tmp)',
      ],
      'Exit status': [
        '0  the model was printed (possibly without targets that failed; see the messages)',
        '1  bad options or infrastructure model, or no target could be captured (nothing is printed)',
      ],
    }),
  )
  .action(async (infrastructureFile: string, opts: Options) => {
    const [{ captureManifest }, { withCoordinatorSession }, { loadInfrastructure }, { printManifestNix }, { DisnixError }] = await Promise.all([
      import('@disnix-ts/libdeploy'),
      import('../cli/coordinator-context.js'),
      import('@disnix-ts/libinfrastructure'),
      import('@disnix-ts/libmanifest'),
      import('@disnix-ts/libmain'),
    ])
    const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml })
    await withCoordinatorSession(opts, async (session) => {
      const { manifest, failed } = await captureManifest({ ...session.context, infrastructure, profile: opts.profile, maxConcurrentTransfers: opts.maxConcurrentTransfers })
      // A model without any target would make disnix-reconstruct record an empty deployment.
      if (Object.keys(manifest.profiles).length === 0 && failed.length > 0) {
        throw new DisnixError('CAPTURE_FAILED', `Cannot capture the deployment: no target has the profile: ${opts.profile} (failed: ${failed.join(', ')})`)
      }
      process.stdout.write(printManifestNix(manifest))
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
