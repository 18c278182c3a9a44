import { helpSections, interfaceOption, plainProgress, runTool, showTraceOption, targetPropertyOption, toolCommand } from '@disnix-ts/libmain'
import { MODEL_COMBINATIONS_HELP, addModelOptions } from '../models/model-options.js'
import type { ModelOptions } from '../models/select-models.js'

interface Options extends ModelOptions {
  extraParams?: string
  targetProperty: string
  interface: string
  outLink: boolean
  showTrace?: boolean
}

const program = addModelOptions(
  toolCommand(
    'disnix-instantiate',
    'Evaluate the Disnix models into a distributed derivation (which target builds which store derivation), printing its store path',
  ),
  ['models', 'packages', 'architecture', 'build'],
)
  .addOption(targetPropertyOption())
  .addOption(interfaceOption())
  .option('--no-out-link', 'Do not create the result symlink in the current directory')
  .addOption(showTraceOption())
  .addHelpText(
    'after',
    helpSections({
      'Model combinations': [...MODEL_COMBINATIONS_HELP, '-B BUILD                                                      low-level build model'],
      Output: [
        'The store path of the distributed derivation (distributedderivation.xml) on stdout, and a',
        '`result` symlink to it unless --no-out-link. Nothing is built: pass it to disnix-build.',
      ],
      Environment: [
        'DISNIX_TARGET_PROPERTY   default of --target-property (default: hostname)',
        'DISNIX_CLIENT_INTERFACE  default of --interface (default: disnix-ssh-client)',
        'NIX_PATH                 must provide <nixpkgs> (nixpkgs=/path/to/nixpkgs)',
      ],
      'Exit status': ['0  the distributed derivation was written', '1  bad options or models'],
    }),
  )
  .action(async (opts: Options) => {
    const { selectModels } = await import('../models/select-models.js')
    const { buildModels } = await import('../models/build-models.js')
    const progress = plainProgress(process.stderr)
    const path = await buildModels('distributedDerivation', {
      selection: selectModels(opts, ['models', 'packages', 'architecture', 'build']),
      cwd: process.cwd(),
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      extraParams: opts.extraParams,
      noOutLink: !opts.outLink,
      showTrace: opts.showTrace,
      onWarning: (text) => progress({ kind: 'message', text }),
    })
    process.stdout.write(`${path}\n`)
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
