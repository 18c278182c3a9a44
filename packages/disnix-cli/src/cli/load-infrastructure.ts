import { parseInfrastructureNixXml, parseInfrastructureXml, readInfrastructureFile, type Infrastructure, type TargetDefaults } from '@disnix-ts/libinfrastructure'
import { runCommand, toolArgv, toolPath } from '@disnix-ts/libmain'
import { disnixNormalizeInfra } from '../tools/disnix-normalize-infra.js'

export interface LoadInfrastructureOptions extends TargetDefaults {
  /** The file is infrastructure XML (spec §2.4) rather than a Nix model. */
  xml?: boolean
  showTrace?: boolean
  /** Environment for the Nix evaluation (NIX_PATH, …); the caller's environment by default. */
  env?: NodeJS.ProcessEnv
}

/**
 * The targets of an infrastructure model (`.nix`, normalized by `disnix-normalize-infra --raw` as the
 * original's coordinator tools run it) or of an infrastructure XML file (`xml: true`).
 *
 * QUIRK §5.1/§10.1: the original's C helper ignores --target-property here and only honours
 * DISNIX_TARGET_PROPERTY; we pass the given targetProperty on to the normalization.
 */
export async function loadInfrastructure(file: string, options: LoadInfrastructureOptions): Promise<Infrastructure> {
  const defaults = { targetProperty: options.targetProperty, clientInterface: options.clientInterface }
  const text = await readInfrastructureFile(file)
  if (options.xml) return parseInfrastructureXml(text, { ...defaults, source: file })
  const { stdout } = await runCommand(toolPath(disnixNormalizeInfra.name), normalizeInfraArgv(file, options), {
    env: options.env,
    step: `evaluating the infrastructure model: ${file}`,
  })
  return parseInfrastructureNixXml(stdout, { ...defaults, source: file })
}

/** The disnix-normalize-infra command line that turns a Nix model into the Nix XML of its targets. */
export function normalizeInfraArgv(file: string, options: Omit<LoadInfrastructureOptions, 'xml' | 'env'>): string[] {
  return toolArgv(disnixNormalizeInfra, { raw: true, targetProperty: options.targetProperty, interface: options.clientInterface, showTrace: options.showTrace }, [file])
}
