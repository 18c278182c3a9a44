import { helpSections, interfaceOption, maxConcurrentTransfersOption, runTool, showTraceOption, targetPropertyOption, toolCommand } from '@disnix-ts/libmain'
import { MODEL_COMBINATIONS_HELP, addModelOptions } from '../models/model-options.js'
import type { ModelOptions } from '../models/select-models.js'

interface Options extends ModelOptions {
  extraParams?: string
  targetProperty: string
  interface: string
  maxConcurrentTransfers: number
  showTrace?: boolean
  verbose?: boolean
}

const program = addModelOptions(
  toolCommand('disnix-delegate', "Build the services of a deployment on the target machines they are distributed to, and copy the results back"),
  ['models', 'packages', 'architecture', 'build'],
)
  .addOption(targetPropertyOption())
  .addOption(interfaceOption())
  .addOption(maxConcurrentTransfersOption())
  .addOption(showTraceOption())
  .option('--verbose', 'Plain progress lines even on a terminal')
  .addHelpText(
    'after',
    helpSections({
      'Model combinations': [...MODEL_COMBINATIONS_HELP, '-B BUILD                                                      low-level build model'],
      Description: [
        'What disnix-instantiate and disnix-build do together: evaluates the models into a distributed',
        'derivation, sends each store derivation to its target, builds it there, and copies the outputs into',
        "this machine's store, so that a following disnix-manifest (disnix-env) finds them built.",
      ],
      Environment: [
        'DISNIX_TARGET_PROPERTY   Default target property holding a machine address (default: hostname)',
        'DISNIX_CLIENT_INTERFACE  Default client interface (default: disnix-ssh-client)',
        'NIX_PATH                 Must provide <nixpkgs> (nixpkgs=/path/to/nixpkgs)',
        'SSH_OPTS, SSH_USER       Passed on to disnix-ssh-client',
        'TMPDIR                   Directory for temporary files (default: /tmp)',
      ],
      'Exit status': ['0  everything was built and copied back', '1  bad options or models, or a transfer or build failed (the target is named)'],
    }),
  )
  .action(async (opts: Options) => {
    const [{ selectModels }, { buildModels }, { buildOnTargets }, { readDistributedDerivation }, { withCoordinatorSession }] = await Promise.all([
      import('../models/select-models.js'),
      import('../models/build-models.js'),
      import('@disnix-ts/libdeploy'),
      import('@disnix-ts/libdistderivation'),
      import('../cli/coordinator-context.js'),
    ])
    const selection = selectModels(opts, ['models', 'packages', 'architecture', 'build'])
    await withCoordinatorSession(opts, async (session) => {
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
    })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
