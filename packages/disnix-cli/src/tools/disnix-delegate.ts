import { Option } from 'commander'
import { defineTool, interfaceOption, maxConcurrentTransfersOption, showTraceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorSession, type CoordinatorOptions, type CoordinatorSession } from '../cli/coordinator-session.js'
import { MODEL_COMBINATIONS_HELP, modelOptions } from '../models/model-options.js'
import type { ModelOptions } from '../models/select-models.js'

export interface DisnixDelegateOptions extends ModelOptions, CoordinatorOptions {
  extraParams?: string
  targetProperty: string
  interface: string
  maxConcurrentTransfers: number
  showTrace?: boolean
}

export const disnixDelegate = defineTool<DisnixDelegateOptions, CoordinatorSession, []>({
  name: 'disnix-delegate',
  summary: 'Build the services of a deployment on the target machines they are distributed to, and copy the results back',
  session: coordinatorSession,
  options: [
    ...modelOptions(['models', 'packages', 'architecture', 'build']),
    targetPropertyOption(),
    interfaceOption(),
    maxConcurrentTransfersOption(),
    showTraceOption(),
  ],
  sections: {
    'Model combinations': [...MODEL_COMBINATIONS_HELP, '-B BUILD                                                      low-level build model'],
    Description: [
      'What disnix-instantiate and disnix-build do together: evaluates the models into a distributed',
      'derivation, sends each store derivation to its target, builds it there, and copies the outputs into',
      "this machine's store, so that a following disnix-manifest (disnix-env) finds them built.",
    ],
  },
  environment: [
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> (nixpkgs=/path/to/nixpkgs)' },
    { name: 'SSH_OPTS, SSH_USER', meaning: 'Passed on to disnix-ssh-client' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'everything was built and copied back' },
    { status: 1, meaning: 'bad options or models, or a transfer or build failed (the target is named)' },
  ],
  async run({ opts, session }) {
    const [{ selectModels }, { buildModels }, { buildOnTargets }, { readDistributedDerivation }] = await Promise.all([
      import('../models/select-models.js'),
      import('../models/build-models.js'),
      import('@disnix-ts/libdeploy'),
      import('@disnix-ts/libdistderivation'),
    ])
    const selection = selectModels(opts, ['models', 'packages', 'architecture', 'build'])
    session.progress({ kind: 'message', text: 'Instantiating store derivations...' })
    // QUIRK §10/13: the original forwards --extra-params to disnix-instantiate in a form it rejects; we
    // evaluate the models with them directly, as disnix-instantiate does.
    const path = await buildModels('distributedDerivation', {
      selection,
      cwd: process.cwd(),
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      extraParams: opts.extraParams,
      noOutLink: true,
      showTrace: opts.showTrace,
      onWarning: (text) => session.progress({ kind: 'message', text }),
    })
    const derivation = await readDistributedDerivation(path)
    session.progress({ kind: 'message', text: 'Remotely building services...' })
    await buildOnTargets({ ...session.context, ...derivation, maxConcurrentTransfers: opts.maxConcurrentTransfers })
  },
})
