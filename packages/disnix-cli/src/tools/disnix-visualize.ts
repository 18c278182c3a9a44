import { Argument, Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, profileOption } from '@disnix-ts/libmain'
import { coordinatorLocalSession, type CoordinatorLocalSession } from '../cli/coordinator-session.js'

export interface DisnixVisualizeOptions {
  profile: string
  coordinatorProfilePath?: string
  containers: boolean
  format: 'dot' | 'svg' | 'png'
}

export const disnixVisualize = defineTool<DisnixVisualizeOptions, CoordinatorLocalSession, [manifest?: string]>({
  name: 'disnix-visualize',
  summary: 'Show the deployment architecture of a manifest as a Graphviz graph',
  session: coordinatorLocalSession,
  arguments: [new Argument('[manifest]', 'Manifest file (default: the last deployed manifest of the coordinator profile)')],
  options: [
    profileOption(),
    coordinatorProfilePathOption(),
    new Option('--no-containers', 'Do not draw the containers inside the machines'),
    new Option('-f, --format <format>', 'Output format: dot (the graph itself), or svg/png rendered by Graphviz').choices(['dot', 'svg', 'png']).default('dot'),
  ],
  sections: {
    Description: [
      'Machines are clusters labelled with their address, containers are clusters inside them, and',
      'services are nodes; solid arrows are dependsOn, dashed arrows connectsTo dependencies. A service',
      'that provides containers has a double border. Example: disnix-visualize manifest.xml | dot -Tpng > graph.png',
    ],
  },
  environment: [{ name: 'PATH', meaning: "svg and png need Graphviz's dot on it" }],
  exitStatuses: [
    { status: 0, meaning: 'the graph was written on stdout (or there is no deployment to show)' },
    { status: 1, meaning: 'the manifest is invalid, or Graphviz is missing or failed' },
  ],
  async run({ opts, args: [manifest], session, io }) {
    const { manifestToDot, previousManifestPath, readManifest } = await import('@disnix-ts/libmanifest')
    const path = await previousManifestPath({ oldManifest: manifest, profile: opts.profile, path: opts.coordinatorProfilePath })
    if (path === undefined) {
      session.progress({ kind: 'message', text: 'No previous manifest file exists, so no visualization will be provided!' })
      return
    }
    const dot = manifestToDot(await readManifest(path), { noContainers: !opts.containers })
    const { renderDot } = await import('../render-dot.js')
    io.stdout.write(await renderDot(dot, opts.format))
  },
})
