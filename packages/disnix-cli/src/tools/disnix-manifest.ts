import { Option } from 'commander'
import { defineTool, envFlag, interfaceOption, showTraceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorLocalSession, type CoordinatorLocalSession } from '../cli/coordinator-session.js'
import { MODEL_COMBINATIONS_HELP, modelOptions } from '../models/model-options.js'
import type { ModelOptions } from '../models/select-models.js'

export interface DisnixManifestOptions extends ModelOptions {
  extraParams?: string
  targetProperty: string
  interface: string
  deployState?: boolean
  outLink: boolean
  showTrace?: boolean
}

export const disnixManifest = defineTool<DisnixManifestOptions, CoordinatorLocalSession, []>({
  name: 'disnix-manifest',
  summary: 'Evaluate the Disnix models and build the deployment manifest, printing its store path',
  session: coordinatorLocalSession,
  options: [
    ...modelOptions(['models', 'packages', 'architecture', 'deployment', 'undeploy']),
    targetPropertyOption(),
    interfaceOption(),
    new Option('--deploy-state', 'Deploy the state of every service that does not set deployState (also DISNIX_DEPLOY_STATE=1)'),
    new Option('--no-out-link', 'Do not create the result symlink in the current directory'),
    showTraceOption(),
  ],
  sections: {
    'Model combinations': [
      ...MODEL_COMBINATIONS_HELP,
      '-D DEPLOYMENT                                                 low-level deployment model',
      '--undeploy -i INFRASTRUCTURE                                  remove all services from the targets',
    ],
    Output: [
      'The store path of the manifest (manifest.xml) on stdout, and a `result` symlink to it unless',
      '--no-out-link. Building it builds every service and target profile, which its closure holds.',
    ],
  },
  environment: [
    { name: 'DISNIX_DEPLOY_STATE', meaning: 'When 1, acts as --deploy-state' },
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> (nixpkgs=/path/to/nixpkgs)' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'the manifest was built' },
    { status: 1, meaning: 'bad options or models, or a failing build' },
  ],
  async run({ opts, session, io }) {
    const { selectModels } = await import('../models/select-models.js')
    const { buildModels } = await import('../models/build-models.js')
    const path = await buildModels('manifest', {
      selection: selectModels(opts, ['models', 'packages', 'architecture', 'deployment', 'undeploy']),
      cwd: process.cwd(),
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      deployState: opts.deployState === true || envFlag(io.env, 'DISNIX_DEPLOY_STATE'),
      extraParams: opts.extraParams,
      noOutLink: !opts.outLink,
      showTrace: opts.showTrace,
      onWarning: (text) => session.progress({ kind: 'message', text }),
    })
    io.stdout.write(`${path}\n`)
  },
})
