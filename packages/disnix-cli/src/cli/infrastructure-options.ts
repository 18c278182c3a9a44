import { Option } from 'commander'

/** The options of the tools that take an infrastructure model, and what they parse to. */
export interface InfrastructureOptions {
  interface: string
  targetProperty: string
  xml?: boolean
}

/** `--xml`: the infrastructure argument is infrastructure XML rather than a Nix model. */
export function infrastructureXmlOption(): Option {
  return new Option('--xml', 'The infrastructure model is an XML file (as disnix-normalize-infra writes it)')
}
