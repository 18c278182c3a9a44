import { Option } from 'commander'
import { DEFAULT_CLIENT_INTERFACE, DEFAULT_TARGET_PROPERTY, type EnvironmentVariable } from '@disnix-ts/libmain'
import type { ModelLoadOptions } from '@disnix-ts/libdydisnix'

/** The options of the filter executables that say how their input models are read and output written. */
export interface ModelFormatOptions {
  xml?: boolean
  outputXml?: boolean
  extraParams?: string
  showTrace?: boolean
}

/** --xml, --output-xml and --extra-params, as the original's division tools have them. */
export function modelFormatOptions(output = true): Option[] {
  return [
    new Option('--xml', 'The input models are XML files (as dydisnix-xml and the Nix filters write them), not Nix expressions'),
    ...(output ? [new Option('--output-xml', 'Write the result as XML instead of a Nix expression')] : []),
    new Option('--extra-params <expr>', 'Nix attribute set passed to the models that declare its attributes as arguments'),
    new Option('--show-trace', 'Show a trace of the Nix evaluation when it fails'),
  ]
}

/**
 * How the library reads the models. The address property and client interface of targets come from
 * the environment here, since --target-property of these tools names a capacity (as in the original).
 */
export function modelLoadOptions(opts: ModelFormatOptions, env: NodeJS.ProcessEnv): ModelLoadOptions {
  return {
    xml: opts.xml,
    extraParams: opts.extraParams,
    showTrace: opts.showTrace,
    targetProperty: env.DISNIX_TARGET_PROPERTY || DEFAULT_TARGET_PROPERTY,
    clientInterface: env.DISNIX_CLIENT_INTERFACE || DEFAULT_CLIENT_INTERFACE,
  }
}

export const MODEL_ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: 'DISNIX_TARGET_PROPERTY', meaning: 'Target property that holds a machine address, used to recognise the targets of a distribution model (default: hostname)' },
  { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs> to evaluate Nix models (not needed with --xml)' },
]
