import { helpSections, interfaceOption, runTool, toolCommand } from '@disnix-ts/libmain'

const program = toolCommand(
  'disnix-copy-closure',
  'Copies store paths and all their intra-dependencies to or from a target through a client interface, sending only the paths that are missing',
)
program
  .option('--to', 'Copy the closure to the target')
  .option('--from', 'Copy the closure from the target')
  .option('-t, --target <target>', 'Address of the target (passed to the interface as --target)')
  .addOption(interfaceOption())
  .argument('[paths...]', 'Store paths whose closures are copied')
  .addHelpText(
    'after',
    helpSections({
      Environment: [
        'DISNIX_CLIENT_INTERFACE  Client interface (default: disnix-ssh-client)',
        'TMPDIR                   Where the closure export is written meanwhile (default: /tmp)',
      ],
      'Exit status': ['0  the closure is complete on the receiving side', '1  bad usage, or a step of the copy failed'],
    }),
  )
  .action(async (paths: string[], opts: { to?: boolean; from?: boolean; target?: string; interface: string }) => {
    const { DisnixError } = await import('@disnix-ts/libmain')
    if (paths.length === 0) throw new DisnixError('USAGE', 'At least one path to the Nix store must be specified!')
    if (opts.target === undefined) throw new DisnixError('USAGE', 'ERROR: A target address must be specified!')
    if (opts.to === opts.from) throw new DisnixError('USAGE', 'ERROR: Either the --from or --to option must be used!')
    const { copyClosureFrom, copyClosureTo } = await import('@disnix-ts/libpkgmgmt')
    const call = { interface: opts.interface, target: opts.target, stderr: process.stderr }
    const copy = opts.to ? copyClosureTo : copyClosureFrom
    await copy(call, paths, { tmpdir: process.env.TMPDIR || '/tmp' })
  })

await runTool(program, { errorPrefix: '' })
