import { Option } from 'commander'
import type { ModelKind } from './select-models.js'

/**
 * The model options of spec §1.1 that a tool accepts (the original's option names), so that
 * disnix-manifest, disnix-instantiate, disnix-delegate and disnix-env describe them identically.
 */
export function modelOptions(accepts: readonly ModelKind[]): Option[] {
  const options = [
    new Option('-s, --services <file>', 'Services model: the services and how to build them'),
    new Option('-i, --infrastructure <file>', 'Infrastructure model: the target machines'),
    new Option('-d, --distribution <file>', 'Distribution model: which services go to which targets'),
    new Option('-P, --packages <file>', 'Packages model: extra packages per target profile'),
    new Option('-A, --architecture <file>', 'Deployment architecture model (services with their targets, and the infrastructure)'),
  ]
  if (accepts.includes('deployment')) options.push(new Option('-D, --deployment <file>', 'Low-level deployment model (profiles, services, mappings), used as it is'))
  if (accepts.includes('build')) options.push(new Option('-B, --build <file>', 'Low-level build model (derivation mappings and interfaces), used as it is'))
  if (accepts.includes('undeploy')) options.push(new Option('--undeploy', 'Generate a manifest that removes every service from the targets of the infrastructure model'))
  options.push(new Option('--extra-params <expr>', 'Nix attribute set passed to the models; each model receives the attributes it declares as arguments'))
  return options
}

export const MODEL_COMBINATIONS_HELP = [
  '-s SERVICES -i INFRASTRUCTURE -d DISTRIBUTION [-P PACKAGES]   services, infrastructure and distribution models',
  '-P PACKAGES -i INFRASTRUCTURE                                 packages only',
  '-A ARCHITECTURE                                               deployment architecture model',
]
