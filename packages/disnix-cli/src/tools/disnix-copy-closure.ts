import { Argument, Option } from 'commander'
import { defineTool, DisnixError, interfaceOption, plainSession } from '@disnix-ts/libmain'

export interface DisnixCopyClosureOptions {
  to?: boolean
  from?: boolean
  target?: string
  interface: string
}

export const disnixCopyClosure = defineTool<DisnixCopyClosureOptions, undefined, [paths: string[]]>({
  name: 'disnix-copy-closure',
  summary: 'Copies store paths and all their intra-dependencies to or from a target through a client interface, sending only the paths that are missing',
  session: plainSession,
  arguments: [new Argument('[paths...]', 'Store paths whose closures are copied')],
  options: [
    new Option('--to', 'Copy the closure to the target'),
    new Option('--from', 'Copy the closure from the target'),
    new Option('-t, --target <target>', 'Address of the target (passed to the interface as --target)'),
    interfaceOption(),
  ],
  environment: [{ name: 'TMPDIR', meaning: 'Where the closure export is written meanwhile (default: /tmp)' }],
  exitStatuses: [
    { status: 0, meaning: 'the closure is complete on the receiving side' },
    { status: 1, meaning: 'bad usage, or a step of the copy failed' },
  ],
  async run({ opts, args: [paths], io }) {
    if (paths.length === 0) throw new DisnixError('USAGE', 'At least one path to the Nix store must be specified!')
    if (opts.target === undefined) throw new DisnixError('USAGE', 'ERROR: A target address must be specified!')
    if (opts.to === opts.from) throw new DisnixError('USAGE', 'ERROR: Either the --from or --to option must be used!')
    const { copyClosureFrom, copyClosureTo } = await import('@disnix-ts/libpkgmgmt')
    const call = { interface: opts.interface, target: opts.target, stderr: io.stderr }
    const copy = opts.to ? copyClosureTo : copyClosureFrom
    await copy(call, paths, { tmpdir: io.env.TMPDIR || '/tmp' })
  },
})
