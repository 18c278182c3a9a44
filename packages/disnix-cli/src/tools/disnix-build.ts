import { Argument, Option } from 'commander'
import { defineTool, maxConcurrentTransfersOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'

export interface DisnixBuildOptions extends CoordinatorOptions {
  maxConcurrentTransfers: number
}

export const disnixBuild = defineTool<DisnixBuildOptions, CoordinatorSession, [distributedDerivation: string]>({
  name: 'disnix-build',
  summary: 'Build the store derivations of a distributed derivation on their targets and copy the results back',
  session: coordinatorSession,
  arguments: [new Argument('<distributed-derivation>', 'Distributed derivation file (distributedderivation.xml, as disnix-instantiate writes it)')],
  options: [maxConcurrentTransfersOption(), new Option('--verbose', 'Plain progress lines even on a terminal')],
  sections: {
    Description: [
      "Copies each store derivation's closure to the target it is mapped to, realises all of them there at",
      "once, then copies the outputs' closures into this machine's store. Each target is reached through the",
      'client interface the distributed derivation names for it.',
    ],
  },
  environment: [{ name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' }],
  exitStatuses: [
    { status: 0, meaning: 'everything was built and copied back' },
    { status: 1, meaning: 'an invalid distributed derivation, or a transfer or build failed (the target is named)' },
  ],
  async run({ opts, args: [file], session }) {
    const [{ buildOnTargets }, { readDistributedDerivation }] = await Promise.all([import('@disnix-ts/libdeploy'), import('@disnix-ts/libdistderivation')])
    const derivation = await readDistributedDerivation(file)
    await buildOnTargets({ ...session.context, ...derivation, maxConcurrentTransfers: opts.maxConcurrentTransfers })
  },
})
