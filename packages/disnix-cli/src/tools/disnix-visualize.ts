import { Option } from 'commander'
import { coordinatorProfilePathOption, coordinatorLine, helpSections, profileOption, runTool, toolCommand } from '@disnix-ts/libmain'

interface Options {
  profile: string
  coordinatorProfilePath?: string
  containers: boolean
  format: 'dot' | 'svg' | 'png'
}

const program = toolCommand('disnix-visualize', 'Show the deployment architecture of a manifest as a Graphviz graph')
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .addOption(new Option('--no-containers', 'Do not draw the containers inside the machines'))
  .addOption(new Option('-f, --format <format>', 'Output format: dot (the graph itself), or svg/png rendered by Graphviz').choices(['dot', 'svg', 'png']).default('dot'))
  .argument('[manifest]', 'Manifest file (default: the last deployed manifest of the coordinator profile)')
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'Machines are clusters labelled with their address, containers are clusters inside them, and',
        'services are nodes; solid arrows are dependsOn, dashed arrows connectsTo dependencies. A service',
        'that provides containers has a double border. Example: disnix-visualize manifest.xml | dot -Tpng > graph.png',
      ],
      Environment: ['DISNIX_PROFILE  Name of the Disnix profile (default: default)', 'PATH            svg and png need Graphviz\'s dot on it'],
      'Exit status': ['0  the graph was written on stdout (or there is no deployment to show)', '1  the manifest is invalid, or Graphviz is missing or failed'],
    }),
  )
  .action(async (manifest: string | undefined, opts: Options) => {
    const { manifestToDot, previousManifestPath, readManifest } = await import('@disnix-ts/libmanifest')
    const path = await previousManifestPath({ oldManifest: manifest, profile: opts.profile, path: opts.coordinatorProfilePath })
    if (path === undefined) {
      process.stderr.write(`${coordinatorLine('No previous manifest file exists, so no visualization will be provided!')}\n`)
      return
    }
    const dot = manifestToDot(await readManifest(path), { noContainers: !opts.containers })
    const { renderDot } = await import('../render-dot.js')
    process.stdout.write(await renderDot(dot, opts.format))
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
