import { Option } from 'commander'
import { defineTool, interfaceOption, showTraceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorLocalSession, type CoordinatorLocalSession } from '../cli/coordinator-session.js'
import { MODEL_COMBINATIONS_HELP, modelOptions } from '../models/model-options.js'
import type { ModelOptions } from '../models/select-models.js'

export interface DisnixInstantiateOptions extends ModelOptions {
  extraParams?: string
  targetProperty: string
  interface: string
  outLink: boolean
  showTrace?: boolean
}

export const disnixInstantiate = defineTool<DisnixInstantiateOptions, CoordinatorLocalSession, []>({
  name: 'disnix-instantiate',
  summary: 'Evaluate the Disnix models into a distributed derivation (which target builds which store derivation), printing its store path',
  session: coordinatorLocalSession,
  options: [
    ...modelOptions(['models', 'packages', 'architecture', 'build']),
    targetPropertyOption(),
    interfaceOption(),
    new Option('--no-out-link', 'Do not create the result symlink in the current directory'),
    showTraceOption(),
  ],
  sections: {
    'Model combinations': [...MODEL_COMBINATIONS_HELP, '-B BUILD                                                      low-level build model'],
    Output: [
      'The store path of the distributed derivation (distributedderivation.xml) on stdout, and a',
      '`result` symlink to it unless --no-out-link. Nothing is built: pass it to disnix-build.',
    ],
  },
  environment: [{ name: 'NIX_PATH', meaning: 'must provide <nixpkgs> (nixpkgs=/path/to/nixpkgs)' }],
  exitStatuses: [
    { status: 0, meaning: 'the distributed derivation was written' },
    { status: 1, meaning: 'bad options or models' },
  ],
  async run({ opts, session, io }) {
    const [{ selectModels }, { buildModels }] = await Promise.all([import('../models/select-models.js'), import('../models/build-models.js')])
    const path = await buildModels('distributedDerivation', {
      selection: selectModels(opts, ['models', 'packages', 'architecture', 'build']),
      cwd: process.cwd(),
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      extraParams: opts.extraParams,
      noOutLink: !opts.outLink,
      showTrace: opts.showTrace,
      onWarning: (text) => session.progress({ kind: 'message', text }),
    })
    io.stdout.write(`${path}\n`)
  },
})
