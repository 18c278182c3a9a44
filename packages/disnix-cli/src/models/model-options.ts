import { Option, type Command } from 'commander'
import type { ModelKind } from './select-models.js'

/**
 * Adds the model options of spec §1.1 that a tool accepts (the original's option names), so that
 * disnix-manifest, disnix-instantiate and disnix-env describe them identically in --help.
 */
export function addModelOptions(program: Command, accepts: readonly ModelKind[]): Command {
  program
    .addOption(new Option('-s, --services <file>', 'Services model: the services and how to build them'))
    .addOption(new Option('-i, --infrastructure <file>', 'Infrastructure model: the target machines'))
    .addOption(new Option('-d, --distribution <file>', 'Distribution model: which services go to which targets'))
    .addOption(new Option('-P, --packages <file>', 'Packages model: extra packages per target profile'))
    .addOption(new Option('-A, --architecture <file>', 'Deployment architecture model (services with their targets, and the infrastructure)'))
  if (accepts.includes('deployment')) {
    program.addOption(new Option('-D, --deployment <file>', 'Low-level deployment model (profiles, services, mappings), used as it is'))
  }
  if (accepts.includes('build')) {
    program.addOption(new Option('-B, --build <file>', 'Low-level build model (derivation mappings and interfaces), used as it is'))
  }
  if (accepts.includes('undeploy')) {
    program.addOption(new Option('--undeploy', 'Generate a manifest that removes every service from the targets of the infrastructure model'))
  }
  return program.addOption(
    new Option('--extra-params <expr>', 'Nix attribute set passed to the models; each model receives the attributes it declares as arguments'),
  )
}

export const MODEL_COMBINATIONS_HELP = [
  '-s SERVICES -i INFRASTRUCTURE -d DISTRIBUTION [-P PACKAGES]   services, infrastructure and distribution models',
  '-P PACKAGES -i INFRASTRUCTURE                                 packages only',
  '-A ARCHITECTURE                                               deployment architecture model',
]
