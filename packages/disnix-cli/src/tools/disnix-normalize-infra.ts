import { join, resolve } from 'node:path'
import { Argument, Option } from 'commander'
import { defineTool, interfaceOption, nixExprDir, showTraceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { coordinatorLocalSession, type CoordinatorLocalSession } from '../cli/coordinator-session.js'

export interface DisnixNormalizeInfraOptions {
  targetProperty: string
  interface: string
  raw?: boolean
  showTrace?: boolean
}

export const disnixNormalizeInfra = defineTool<DisnixNormalizeInfraOptions, CoordinatorLocalSession, [infrastructure: string]>({
  name: 'disnix-normalize-infra',
  summary: 'Print an infrastructure model with the defaults filled in, as infrastructure XML (or as Nix XML with --raw)',
  session: coordinatorLocalSession,
  arguments: [new Argument('<infrastructure>', 'Infrastructure model (a Nix file)')],
  options: [
    targetPropertyOption(),
    interfaceOption(),
    new Option('--raw', "Print Nix's own XML of the normalized model (builtins.toXML) instead of the infrastructure XML"),
    showTraceOption(),
  ],
  sections: {
    Output: [
      'The infrastructure XML (<infrastructure version="2">, one <target> per machine) on stdout. Every',
      'target gets targetProperty, clientInterface, numOfCores (1) and system unless it sets them.',
    ],
  },
  exitStatuses: [
    { status: 0, meaning: 'printed' },
    { status: 1, meaning: 'the model is missing or invalid' },
  ],
  async run({ opts, args: [infrastructure], io }) {
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
      io.stdout.write(await nixInstantiate({ ...call, eval: true, strict: true, xml: true }))
    } else {
      const text = await nixEvalJson({ ...call, args: { asText: 'true' } })
      io.stdout.write(String(text))
    }
  },
})
