import { Option } from 'commander'
import { defineTool, interfaceOption, plainProgress, targetPropertyOption } from '@disnix-ts/libmain'
import { dydisnixSession, tmpdirOf } from '../cli/dydisnix-session.js'

export interface DydisnixFilterBuildableOptions {
  services: string
  infrastructure: string
  distribution: string
  targetProperty: string
  interface: string
  extraParams?: string
  outputXml?: boolean
}

export const dydisnixFilterBuildable = defineTool<DydisnixFilterBuildableOptions, undefined, []>({
  name: 'dydisnix-filter-buildable',
  summary: 'Drop the candidate targets of a distribution that a service cannot be instantiated for',
  session: dydisnixSession,
  options: [
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('-i, --infrastructure <file>', 'Infrastructure model').makeOptionMandatory(),
    new Option('-d, --distribution <file>', 'Distribution model holding the candidate targets of every service').makeOptionMandatory(),
    targetPropertyOption(),
    interfaceOption(),
    new Option('--extra-params <expr>', 'Nix attribute set passed to the models that declare its attributes as arguments'),
    new Option('--output-xml', 'Write distribution XML instead of a Nix expression'),
  ],
  sections: {
    Description: [
      'Runs nix-instantiate once per service and candidate, through the same model pipeline as disnix-manifest,',
      'for the target\'s system; every candidate whose evaluation fails is dropped (reported on stderr).',
    ],
    Output: ['A candidate distribution on stdout (Nix), or distribution XML with --output-xml.'],
  },
  environment: [
    { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs>' },
    { name: 'TMPDIR', meaning: 'Directory for temporary files (default: /tmp)' },
  ],
  exitStatuses: [
    { status: 0, meaning: 'printed' },
    { status: 1, meaning: 'bad options or models' },
  ],
  async run({ opts, io }) {
    const lib = await import('@disnix-ts/libdydisnix')
    const load = { extraParams: opts.extraParams, targetProperty: opts.targetProperty, clientInterface: opts.interface }
    const distribution = await lib.loadCandidateDistribution(opts.distribution, opts.infrastructure, load)
    const result = await lib.filterBuildable({
      servicesFile: opts.services,
      infrastructureFile: opts.infrastructure,
      distribution,
      targetProperty: opts.targetProperty,
      clientInterface: opts.interface,
      extraParams: opts.extraParams,
      tmpdir: tmpdirOf(io.env),
      progress: plainProgress(io.stderr),
    })
    io.stdout.write(lib.printDistribution(result, opts.outputXml === true))
  },
})
