import { readFile } from 'node:fs/promises'
import {
  coordinatorProfilePathOption,
  helpSections,
  interfaceOption,
  plainProgress,
  profileOption,
  runTool,
  showTraceOption,
  targetPropertyOption,
  toolCommand,
} from '@disnix-ts/libmain'
import { filterRunner } from '../cli/filter-runner.js'

interface Options {
  services: string
  infrastructure: string
  qos?: string
  filters?: string
  filterBuildable?: boolean
  outputXml?: boolean
  stdout?: boolean
  profile: string
  coordinatorProfilePath?: string
  previous: boolean
  targetProperty: string
  interface: string
  extraParams?: string
  outLink: boolean
  showTrace?: boolean
}

const program = toolCommand('dydisnix-gendist', 'Generate a distribution model from the services, the infrastructure and a QoS model, printing its store path')
  .requiredOption('-s, --services <file>', 'Services model')
  .requiredOption('-i, --infrastructure <file>', 'Infrastructure model')
  .option('-q, --qos <file>', 'QoS model: {services, infrastructure, initialDistribution, previousDistribution, filters, lib}: distribution')
  .option('-F, --filters <file>', 'Catalog of custom filters: {pkgs, referenceFilters}: { name = filter; ... }')
  .option('--filter-buildable', 'First drop the candidates a service cannot be instantiated for (one nix-instantiate per service and target)')
  .option('--output-xml', 'Write distribution XML instead of a distribution model')
  .option('--stdout', 'Print the generated model itself instead of its store path')
  .addOption(profileOption())
  .addOption(coordinatorProfilePathOption())
  .option('--no-previous', 'Pass previousDistribution = null even when the profile has a deployment')
  .addOption(targetPropertyOption())
  .addOption(interfaceOption())
  .option('--extra-params <expr>', 'Nix attribute set passed to the services model (the attributes it declares as arguments)')
  .option('--no-out-link', 'Do not create the result symlink in the current directory')
  .addOption(showTraceOption())
  .addHelpText(
    'after',
    helpSections({
      'QoS model': [
        'A function that returns a candidate distribution (service name -> list of target names), given:',
        'services              the services model without packages; dependsOn/connectsTo are lists of names',
        'infrastructure        the infrastructure model',
        'initialDistribution   every service mapped to every target (or the buildable ones: --filter-buildable)',
        'previousDistribution  the distribution of the last deployment of the profile, or null',
        'filters               the filter library (see docs/dynamic-deployment.md), plus the -F catalog',
        'lib                   the lib of <nixpkgs>',
        'Without -q the initial distribution is written.',
      ],
      Output: [
        'The store path of distribution.nix ({infrastructure}: { "svc" = [ infrastructure."t" ]; ... }) or, with',
        '--output-xml, of distribution.xml; with --stdout the content instead.',
      ],
      Environment: [
        'DISNIX_PROFILE            Default profile name (default: default)',
        'DISNIX_TARGET_PROPERTY    Default target property holding a machine address (default: hostname)',
        'DISNIX_CLIENT_INTERFACE   Default client interface (default: disnix-ssh-client)',
        'NIX_PATH                  Must provide <nixpkgs>',
        'TMPDIR                    Directory for temporary files (default: /tmp)',
      ],
      'Exit status': ['0  the model was written', '1  bad options, a bad model, or a filter that failed (the message names the QoS model)'],
    }),
  )
  .action(async (opts: Options) => {
    const { gendist } = await import('@disnix-ts/libdydisnix')
    const path = await gendist({
      servicesFile: opts.services,
      infrastructureFile: opts.infrastructure,
      qosFile: opts.qos,
      filtersFile: opts.filters,
      filterBuildable: opts.filterBuildable,
      outputXml: opts.outputXml,
      profile: opts.profile,
      coordinatorProfilePath: opts.coordinatorProfilePath,
      usePrevious: opts.previous,
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      extraParams: opts.extraParams,
      noOutLink: !opts.outLink || opts.stdout === true,
      showTrace: opts.showTrace,
      runner: await filterRunner(),
      tmpdir: process.env.TMPDIR || '/tmp',
      progress: plainProgress(process.stderr),
      onTrace: (message) => process.stderr.write(`trace: ${message}\n`),
    })
    process.stdout.write(opts.stdout ? await readFile(path, 'utf8') : `${path}\n`)
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
