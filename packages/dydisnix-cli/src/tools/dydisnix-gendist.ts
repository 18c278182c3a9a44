import { readFile } from 'node:fs/promises'
import { Option } from 'commander'
import { coordinatorProfilePathOption, defineTool, interfaceOption, plainProgress, profileOption, showTraceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { dydisnixSession, tmpdirOf } from '../cli/dydisnix-session.js'
import { filterRunner } from '../cli/filter-runner.js'

export interface DydisnixGendistOptions {
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

export const dydisnixGendist = defineTool<DydisnixGendistOptions, undefined, []>({
  name: 'dydisnix-gendist',
  summary: 'Generate a distribution model from the services, the infrastructure and a QoS model, printing its store path',
  session: dydisnixSession,
  options: [
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('-i, --infrastructure <file>', 'Infrastructure model').makeOptionMandatory(),
    new Option('-q, --qos <file>', 'QoS model: {services, infrastructure, initialDistribution, previousDistribution, filters, lib}: distribution'),
    new Option('-F, --filters <file>', 'Catalog of custom filters: {pkgs, referenceFilters}: { name = filter; ... }'),
    new Option('--filter-buildable', 'First drop the candidates a service cannot be instantiated for (one nix-instantiate per service and target)'),
    new Option('--output-xml', 'Write distribution XML instead of a distribution model'),
    new Option('--stdout', 'Print the generated model itself instead of its store path'),
    profileOption(),
    coordinatorProfilePathOption(),
    new Option('--no-previous', 'Pass previousDistribution = null even when the profile has a deployment'),
    targetPropertyOption(),
    interfaceOption(),
    new Option('--extra-params <expr>', 'Nix attribute set passed to the services model (the attributes it declares as arguments)'),
    new Option('--no-out-link', 'Do not create the result symlink in the current directory'),
    showTraceOption(),
  ],
  sections: {
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
  },
  environment: [
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs>' },
    { name: 'TMPDIR', meaning: 'Directory for temporary files (default: /tmp)' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'the model was written' },
    { status: 1, meaning: 'bad options, a bad model, or a filter that failed (the message names the QoS model)' },
  ],
  async run({ opts, io }) {
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
      tmpdir: tmpdirOf(io.env),
      progress: plainProgress(io.stderr),
      onTrace: (message) => io.stderr.write(`trace: ${message}\n`),
    })
    io.stdout.write(opts.stdout ? await readFile(path, 'utf8') : `${path}\n`)
  },
})
