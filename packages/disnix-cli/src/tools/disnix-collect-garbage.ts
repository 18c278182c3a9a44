import { Argument, Option } from 'commander'
import { defineTool, interfaceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'
import { infrastructureXmlOption, type InfrastructureOptions } from '../cli/infrastructure-options.js'

export interface DisnixCollectGarbageOptions extends InfrastructureOptions, CoordinatorOptions {
  deleteOld?: boolean
}

export const disnixCollectGarbage = defineTool<DisnixCollectGarbageOptions, CoordinatorSession, [infrastructure: string]>({
  name: 'disnix-collect-garbage',
  summary: 'Run the Nix garbage collector on every target of an infrastructure',
  session: coordinatorSession,
  arguments: [new Argument('<infrastructure>', 'Infrastructure model (a Nix expression, or XML with --xml)')],
  options: [
    new Option('-d, --delete-old', 'Delete the old generations of every profile on the targets first, so only the current ones are kept'),
    interfaceOption(),
    targetPropertyOption(),
    infrastructureXmlOption(),
    new Option('--verbose', 'Plain progress lines even on a terminal'),
  ],
  sections: {
    Description: [
      'On all targets at once, removes the store paths no profile or other garbage collector root refers',
      'to. The deployed services stay: they are referenced by the Disnix profiles.',
    ],
  },
  environment: [
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> when the infrastructure model needs it' },
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'collected on every target' },
    { status: 1, meaning: 'bad options or infrastructure model, or the collector failed on a target (it is named)' },
  ],
  async run({ opts, args: [infrastructureFile], session, io }) {
    const [{ collectGarbageOnTargets }, { loadInfrastructure }] = await Promise.all([import('@disnix-ts/libdeploy'), import('../cli/load-infrastructure.js')])
    const infrastructure = await loadInfrastructure(infrastructureFile, { targetProperty: opts.targetProperty, clientInterface: opts.interface, xml: opts.xml, env: io.env })
    await collectGarbageOnTargets({ ...session.context, infrastructure, deleteOld: opts.deleteOld === true })
  },
})
