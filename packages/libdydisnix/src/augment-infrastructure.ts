import { join, resolve } from 'node:path'
import { nixExprDir } from '@disnix-ts/libmain'
import { nixInstantiate } from '@disnix-ts/libnix'
import { parseNixXml, printNixExpr } from '@disnix-ts/libxmlmodel'
import { checkReadable } from './load-models.js'

export interface AugmentOptions {
  infrastructureFile: string
  augmentFile: string
  targetProperty: string
  clientInterface: string
  env?: NodeJS.ProcessEnv
  showTrace?: boolean
}

/**
 * Applies an augmentation model ({infrastructure, lib}: infrastructure) to an infrastructure model
 * and returns the result as a Nix expression (evaluated, so it no longer depends on either file).
 * The result must be a valid infrastructure model; errors name the augmentation model.
 */
export async function augmentInfrastructure(options: AugmentOptions): Promise<string> {
  await checkReadable(options.infrastructureFile, 'infrastructure model')
  await checkReadable(options.augmentFile, 'augmentation model')
  const xml = await nixInstantiate({
    file: join(nixExprDir(), 'dydisnix', 'augment-infra.nix'),
    argstrs: {
      infrastructureFile: resolve(options.infrastructureFile),
      augmentFile: resolve(options.augmentFile),
      defaultTargetProperty: options.targetProperty,
      defaultClientInterface: options.clientInterface,
    },
    eval: true,
    strict: true,
    xml: true,
    env: options.env,
    showTrace: options.showTrace,
  })
  return `${printNixExpr(parseNixXml(xml, { source: options.augmentFile }), { sortAttributes: true })}\n`
}
