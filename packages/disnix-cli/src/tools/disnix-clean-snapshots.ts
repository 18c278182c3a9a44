import { Argument, Option } from 'commander'
import { defineTool, interfaceOption, keepOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'
import { infrastructureXmlOption, type InfrastructureOptions } from '../cli/infrastructure-options.js'

export interface DisnixCleanSnapshotsOptions extends InfrastructureOptions, CoordinatorOptions {
  keep: number
  container?: string
  component?: string
}

export const disnixCleanSnapshots = defineTool<DisnixCleanSnapshotsOptions, CoordinatorSession, [infrastructure: string]>({
  name: 'disnix-clean-snapshots',
  summary: 'Remove old snapshot generations on every target of an infrastructure',
  session: coordinatorSession,
  arguments: [new Argument('<infrastructure>', 'Infrastructure model (a Nix expression, or XML with --xml)')],
  options: [
    keepOption(),
    new Option('-c, --container <name>', 'Only snapshots of this container'),
    new Option('-C, --component <name>', 'Only snapshots of this component'),
    interfaceOption(),
    targetPropertyOption(),
    infrastructureXmlOption(),
    new Option('--verbose', 'Plain progress lines even on a terminal'),
  ],
  sections: {
    Description: [
      'On all targets at once, removes every snapshot generation of every component (or of the selected',
      'container/component) except the latest --keep ones, and the snapshots no kept generation refers to.',
    ],
  },
  environment: [{ name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' }],
  exitStatuses: [
    { status: 0, meaning: 'done on every target' },
    { status: 1, meaning: 'the infrastructure model is invalid, or cleaning failed on a target' },
  ],
  async run({ opts, args: [infrastructureFile], session, io }) {
    const [{ cleanTargetSnapshots }, { loadInfrastructure }] = await Promise.all([import('@disnix-ts/libmigrate'), import('../cli/load-infrastructure.js')])
    const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml, env: io.env })
    await cleanTargetSnapshots({ ...session.context, infrastructure, keep: opts.keep, container: opts.container, component: opts.component })
  },
})
