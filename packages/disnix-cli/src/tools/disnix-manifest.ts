import {
  envFlag,
  helpSections,
  interfaceOption,
  plainProgress,
  runTool,
  showTraceOption,
  targetPropertyOption,
  toolCommand,
} from '@disnix-ts/libmain'
import { MODEL_COMBINATIONS_HELP, addModelOptions } from '../models/model-options.js'
import type { ModelOptions } from '../models/select-models.js'

interface Options extends ModelOptions {
  extraParams?: string
  targetProperty: string
  interface: string
  deployState?: boolean
  outLink: boolean
  showTrace?: boolean
}

const program = addModelOptions(
  toolCommand('disnix-manifest', 'Evaluate the Disnix models and build the deployment manifest, printing its store path'),
  ['models', 'packages', 'architecture', 'deployment', 'undeploy'],
)
  .addOption(targetPropertyOption())
  .addOption(interfaceOption())
  .option('--deploy-state', 'Deploy the state of every service that does not set deployState (also DISNIX_DEPLOY_STATE=1)')
  .option('--no-out-link', 'Do not create the result symlink in the current directory')
  .addOption(showTraceOption())
  .addHelpText(
    'after',
    helpSections({
      'Model combinations': [
        ...MODEL_COMBINATIONS_HELP,
        '-D DEPLOYMENT                                                 low-level deployment model',
        '--undeploy -i INFRASTRUCTURE                                  remove all services from the targets',
      ],
      Output: [
        'The store path of the manifest (manifest.xml) on stdout, and a `result` symlink to it unless',
        '--no-out-link. Building it builds every service and target profile, which its closure holds.',
      ],
      Environment: [
        'DISNIX_TARGET_PROPERTY   default of --target-property (default: hostname)',
        'DISNIX_CLIENT_INTERFACE  default of --interface (default: disnix-ssh-client)',
        'DISNIX_DEPLOY_STATE      1 = as --deploy-state',
        'NIX_PATH                 must provide <nixpkgs> (nixpkgs=/path/to/nixpkgs)',
      ],
      'Exit status': ['0  the manifest was built', '1  bad options or models, or a failing build'],
    }),
  )
  .action(async (opts: Options) => {
    const { selectModels } = await import('../models/select-models.js')
    const { buildModels } = await import('../models/build-models.js')
    const progress = plainProgress(process.stderr)
    const path = await buildModels('manifest', {
      selection: selectModels(opts, ['models', 'packages', 'architecture', 'deployment', 'undeploy']),
      cwd: process.cwd(),
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      deployState: opts.deployState === true || envFlag(process.env, 'DISNIX_DEPLOY_STATE'),
      extraParams: opts.extraParams,
      noOutLink: !opts.outLink,
      showTrace: opts.showTrace,
      onWarning: (text) => progress({ kind: 'message', text }),
    })
    process.stdout.write(`${path}\n`)
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
