import { readFile } from 'node:fs/promises'
import { DisnixError, hasErrorCode, reportedToolError, runCommand, toolPath } from '@disnix-ts/libmain'
import { parseInfrastructureNixXml } from './infrastructure-from-nix.js'
import { parseInfrastructureXml, type Infrastructure } from './infrastructure-xml.js'
import type { TargetDefaults } from './target.js'

export interface LoadInfrastructureOptions extends TargetDefaults {
  /** The file is infrastructure XML (spec §2.4) rather than a Nix model. */
  xml?: boolean
  showTrace?: boolean
  /** Environment for the Nix evaluation (NIX_PATH, …); the caller's environment by default. */
  env?: NodeJS.ProcessEnv
}

/**
 * The targets of an infrastructure model (`.nix`, normalized by `disnix-normalize-infra --raw`) or of
 * an infrastructure XML file (`xml: true`).
 *
 * QUIRK §5.1/§10.1: the original's C helper ignores --target-property here and only honours
 * DISNIX_TARGET_PROPERTY; we pass the given targetProperty on to the normalization.
 */
export async function loadInfrastructure(file: string, options: LoadInfrastructureOptions): Promise<Infrastructure> {
  const defaults = { targetProperty: options.targetProperty, clientInterface: options.clientInterface }
  if (options.xml) {
    return parseInfrastructureXml(await readInfrastructureFile(file), { ...defaults, source: file })
  }
  await readInfrastructureFile(file)
  const args = ['--raw', '--target-property', options.targetProperty, '--interface', options.clientInterface]
  if (options.showTrace) args.push('--show-trace')
  let stdout: string
  try {
    ;({ stdout } = await runCommand(toolPath('disnix-normalize-infra'), [...args, file], {
      env: options.env,
      step: `evaluating the infrastructure model: ${file}`,
    }))
  } catch (error) {
    // disnix-normalize-infra names the model file and the target itself.
    throw reportedToolError(error, 'INFRASTRUCTURE_INVALID') ?? error
  }
  return parseInfrastructureNixXml(stdout, { ...defaults, source: file })
}

async function readInfrastructureFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) throw new DisnixError('INFRASTRUCTURE_NOT_FOUND', `The infrastructure model: ${file} does not exist`)
    if (hasErrorCode(error, 'EACCES')) throw new DisnixError('INFRASTRUCTURE_NOT_FOUND', `The infrastructure model: ${file} cannot be read: permission denied`)
    if (hasErrorCode(error, 'EISDIR')) throw new DisnixError('INFRASTRUCTURE_NOT_FOUND', `The infrastructure model: ${file} is a directory`)
    throw error
  }
}
