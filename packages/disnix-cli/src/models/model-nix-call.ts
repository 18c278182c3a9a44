import { join } from 'node:path'
import { nixExprDir } from '@disnix-ts/libmain'
import type { ModelKind, ModelSelection } from './select-models.js'

/** What the models are turned into: the manifest (disnix-manifest) or the distributed derivation (disnix-instantiate). */
export type ModelOutput = 'manifest' | 'distributedDerivation'

const ATTRIBUTES: Record<ModelOutput, Partial<Record<ModelKind, string>>> = {
  manifest: {
    models: 'generateManifestFromModels',
    packages: 'generateManifestFromModels',
    architecture: 'generateManifestFromArchitectureModel',
    deployment: 'generateManifestFromDeploymentModel',
    undeploy: 'generateUndeploymentManifest',
  },
  distributedDerivation: {
    models: 'generateDistributedDerivationFromModels',
    packages: 'generateDistributedDerivationFromModels',
    architecture: 'generateDistributedDerivationFromArchitectureModel',
    build: 'generateDistributedDerivationFromBuildModel',
  },
}

export interface ModelNixCallOptions {
  targetProperty: string
  clientInterface: string
  /** Default of deployState for services that do not set it (manifest only). */
  deployState?: boolean
  /** A Nix expression (attribute set) passed verbatim as extraParams. */
  extraParams?: string
}

/** The Nix file, attribute and arguments that evaluate a selection of models (spec §1.1). */
export function modelNixCall(selection: ModelSelection, output: ModelOutput, options: ModelNixCallOptions) {
  const attr = ATTRIBUTES[output][selection.kind]
  if (attr === undefined) throw new Error(`bug: no ${output} attribute for ${selection.kind} models`)
  const argstrs: Record<string, string> = {
    targetProperty: options.targetProperty,
    clientInterface: options.clientInterface,
  }
  for (const [arg, file] of Object.entries(selection.files)) argstrs[arg] = file
  const args: Record<string, string> = {}
  if (output === 'manifest' && options.deployState) args.deployState = 'true'
  if (options.extraParams !== undefined && selection.kind !== 'deployment' && selection.kind !== 'build' && selection.kind !== 'undeploy') {
    args.extraParams = options.extraParams
  }
  const file = join(nixExprDir(), output === 'manifest' ? 'manifest.nix' : 'instantiate.nix')
  return { file, attr, argstrs, args }
}
