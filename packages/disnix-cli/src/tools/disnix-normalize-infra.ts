import { join, resolve } from 'node:path'
import {
  helpSections,
  interfaceOption,
  nixExprDir,
  runTool,
  showTraceOption,
  targetPropertyOption,
  toolCommand,
} from '@disnix-ts/libmain'

interface Options {
  targetProperty: string
  interface: string
  raw?: boolean
  showTrace?: boolean
}

const program = toolCommand(
  'disnix-normalize-infra',
  'Print an infrastructure model with the defaults filled in, as infrastructure XML (or as Nix XML with --raw)',
)
  .argument('<infrastructure>', 'Infrastructure model (a Nix file)')
  .addOption(targetPropertyOption())
  .addOption(interfaceOption())
  .option('--raw', "Print Nix's own XML of the normalized model (builtins.toXML) instead of the infrastructure XML")
  .addOption(showTraceOption())
  .addHelpText(
    'after',
    helpSections({
      Output: [
        'The infrastructure XML (<infrastructure version="2">, one <target> per machine) on stdout. Every',
        'target gets targetProperty, clientInterface, numOfCores (1) and system unless it sets them.',
      ],
      Environment: [
        'DISNIX_TARGET_PROPERTY   default of --target-property (default: hostname)',
        'DISNIX_CLIENT_INTERFACE  default of --interface (default: disnix-ssh-client)',
      ],
      'Exit status': ['0  printed', '1  the model is missing or invalid'],
    }),
  )
  .action(async (infrastructure: string, opts: Options) => {
    const { resolveModelFiles } = await import('../models/resolve-model-files.js')
    const { nixInstantiate, nixEvalJson } = await import('@disnix-ts/libnix')
    const { files } = await resolveModelFiles({ kind: 'undeploy', files: { infrastructureFile: infrastructure } }, process.cwd())
    const call = {
      file: join(nixExprDir(), 'infrastructure-xml.nix'),
      argstrs: {
        infrastructureFile: files.infrastructureFile ?? resolve(infrastructure),
        targetProperty: opts.targetProperty,
        clientInterface: opts.interface,
      },
      showTrace: opts.showTrace,
    }
    if (opts.raw) {
      process.stdout.write(await nixInstantiate({ ...call, eval: true, strict: true, xml: true }))
    } else {
      const text = await nixEvalJson({ ...call, args: { asText: 'true' } })
      process.stdout.write(String(text))
    }
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
