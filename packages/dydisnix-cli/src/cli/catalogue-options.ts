import type { Command } from 'commander'

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
export function addCatalogueOptions(command: Command): Command {
  return command
    .requiredOption('-s, --services <file>', 'Services model')
    .option('--xml', 'The services model is services XML, not a Nix expression')
    .option('--group <group>', 'Show only the services of this group (its `group` property; sub groups separated by /)', '')
    .option('--group-subservices', 'Show the services of each sub group as one node')
    .option('--batch', 'Write the files for the root and every group under --output-dir instead of printing one')
    .option('--output-dir <dir>', 'Directory of the --batch output', '.')
    .option('-f, --format <format>', 'Image format Graphviz renders the diagrams to in --batch mode (svg, png, ...)')
    .option('--extra-params <expr>', 'Nix attribute set passed to the services model (the attributes it declares)')
    .option('--show-trace', 'Show a trace of the Nix evaluation when it fails')
}

export const CATALOGUE_ENVIRONMENT_HELP = [
  'NIX_PATH  Must provide <nixpkgs> to evaluate the services model (not needed with --xml)',
  'PATH      Must provide Graphviz\'s dot for --format',
]
