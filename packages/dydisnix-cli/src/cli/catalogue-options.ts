import { Option } from 'commander'
import type { EnvironmentVariable } from '@disnix-ts/libmain'

export interface CatalogueOptions {
  services: string
  xml?: boolean
  group: string
  groupSubservices?: boolean
  batch?: boolean
  outputDir: string
  format?: string
  extraParams?: string
  showTrace?: boolean
}

/** The options of the services catalogue tools (the original's visualize-services/document-services). */
export function catalogueOptions(): Option[] {
  return [
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('--xml', 'The services model is services XML, not a Nix expression'),
    new Option('--group <group>', 'Show only the services of this group (its `group` property; sub groups separated by /)').default(''),
    new Option('--group-subservices', 'Show the services of each sub group as one node'),
    new Option('--batch', 'Write the files for the root and every group under --output-dir instead of printing one'),
    new Option('--output-dir <dir>', 'Directory of the --batch output').default('.'),
    new Option('-f, --format <format>', 'Image format Graphviz renders the diagrams to in --batch mode (svg, png, ...)'),
    new Option('--extra-params <expr>', 'Nix attribute set passed to the services model (the attributes it declares)'),
    new Option('--show-trace', 'Show a trace of the Nix evaluation when it fails'),
  ]
}

export const CATALOGUE_ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> to evaluate the services model (not needed with --xml)' },
  { name: 'PATH', meaning: "Must provide Graphviz's dot for --format" },
]
