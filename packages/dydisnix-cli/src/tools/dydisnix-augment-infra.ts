import { helpSections, interfaceOption, runTool, showTraceOption, targetPropertyOption, toolCommand } from '@disnix-ts/libmain'

interface Options {
  infrastructure: string
  augment: string
  outputFile?: string
  stdout?: boolean
  targetProperty: string
  interface: string
  showTrace?: boolean
}

const program = toolCommand('dydisnix-augment-infra', 'Add what discovery cannot see (passwords, ...) to an infrastructure model, printing the path of the result')
  .requiredOption('-i, --infrastructure <file>', 'Infrastructure model, typically a discovered one')
  .requiredOption('-a, --augment <file>', 'Augmentation model: {infrastructure, lib}: infrastructure')
  .option('-o, --output-file <file>', 'Write the augmented model to this file (default: a new file in TMPDIR)')
  .option('--stdout', 'Print the augmented model itself instead of the path of a file')
  .addOption(targetPropertyOption())
  .addOption(interfaceOption())
  .addOption(showTraceOption())
  .addHelpText(
    'after',
    helpSections({
      Description: [
        'The augmentation model is a function {infrastructure, lib}: that returns the new infrastructure model; lib is',
        'the lib of <nixpkgs>. The result is evaluated and checked as an infrastructure model (every target needs',
        'its properties and address property); errors name the augmentation model and the target.',
      ],
      Output: ['The path of the augmented infrastructure model (a plain Nix expression), or the model with --stdout.'],
      Environment: [
        'DISNIX_TARGET_PROPERTY    Default target property holding a machine address (default: hostname)',
        'DISNIX_CLIENT_INTERFACE   Default client interface (default: disnix-ssh-client)',
        'NIX_PATH                  Must provide <nixpkgs>',
        'TMPDIR                    Directory for the output file (default: /tmp)',
      ],
      'Exit status': ['0  written', '1  bad options or models'],
    }),
  )
  .action(async (opts: Options) => {
    const { augmentInfrastructure, writeModelFile } = await import('@disnix-ts/libdydisnix')
    const text = await augmentInfrastructure({
      infrastructureFile: opts.infrastructure,
      augmentFile: opts.augment,
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      showTrace: opts.showTrace,
    })
    if (opts.stdout) process.stdout.write(text)
    else process.stdout.write(`${await writeModelFile(text, { file: opts.outputFile, tmpdir: process.env.TMPDIR || '/tmp', prefix: 'infrastructure-augmented' })}\n`)
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
