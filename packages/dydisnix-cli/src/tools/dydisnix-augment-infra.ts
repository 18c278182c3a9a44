import { Option } from 'commander'
import { defineTool, interfaceOption, showTraceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { dydisnixSession, tmpdirOf } from '../cli/dydisnix-session.js'

export interface DydisnixAugmentInfraOptions {
  infrastructure: string
  augment: string
  outputFile?: string
  stdout?: boolean
  targetProperty: string
  interface: string
  showTrace?: boolean
}

export const dydisnixAugmentInfra = defineTool<DydisnixAugmentInfraOptions, undefined, []>({
  name: 'dydisnix-augment-infra',
  summary: 'Add what discovery cannot see (passwords, ...) to an infrastructure model, printing the path of the result',
  session: dydisnixSession,
  options: [
    new Option('-i, --infrastructure <file>', 'Infrastructure model, typically a discovered one').makeOptionMandatory(),
    new Option('-a, --augment <file>', 'Augmentation model: {infrastructure, lib}: infrastructure').makeOptionMandatory(),
    new Option('-o, --output-file <file>', 'Write the augmented model to this file (default: a new file in TMPDIR)'),
    new Option('--stdout', 'Print the augmented model itself instead of the path of a file'),
    targetPropertyOption(),
    interfaceOption(),
    showTraceOption(),
  ],
  sections: {
    Description: [
      'The augmentation model is a function {infrastructure, lib}: that returns the new infrastructure model; lib is',
      'the lib of <nixpkgs>. The result is evaluated and checked as an infrastructure model (every target needs',
      'its properties and address property); errors name the augmentation model and the target.',
    ],
    Output: ['The path of the augmented infrastructure model (a plain Nix expression), or the model with --stdout.'],
  },
  environment: [
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs>' },
    { name: 'TMPDIR', meaning: 'Directory for the output file (default: /tmp)' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'written' },
    { status: 1, meaning: 'bad options or models' },
  ],
  async run({ opts, io }) {
    const { augmentInfrastructure, writeModelFile } = await import('@disnix-ts/libdydisnix')
    const text = await augmentInfrastructure({
      infrastructureFile: opts.infrastructure,
      augmentFile: opts.augment,
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      showTrace: opts.showTrace,
    })
    if (opts.stdout) io.stdout.write(text)
    else io.stdout.write(`${await writeModelFile(text, { file: opts.outputFile, tmpdir: tmpdirOf(io.env), prefix: 'infrastructure-augmented' })}\n`)
  },
})
