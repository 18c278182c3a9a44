import { nixBuild } from '@disnix-ts/libnix'
import { checkExtraParams } from './check-extra-params.js'
import { modelNixCall, type ModelNixCallOptions, type ModelOutput } from './model-nix-call.js'
import { resolveModelFiles } from './resolve-model-files.js'
import type { ModelSelection } from './select-models.js'

export interface BuildModelsOptions extends ModelNixCallOptions {
  selection: ModelSelection
  /** Directory that relative model paths and the result link are relative to. */
  cwd: string
  noOutLink?: boolean
  showTrace?: boolean
  /** Environment for Nix (NIX_PATH, NIX_CONFIG). */
  env?: NodeJS.ProcessEnv
  /** Receives the model warnings that the evaluation prints. */
  onWarning?: (message: string) => void
  signal?: AbortSignal
}

/**
 * Evaluates and builds the models into the manifest (disnix-manifest) or the distributed derivation
 * (disnix-instantiate) and returns its store path. Building the manifest builds every service and
 * target profile, which its closure holds.
 */
export async function buildModels(output: ModelOutput, options: BuildModelsOptions): Promise<string> {
  const selection = await resolveModelFiles(options.selection, options.cwd)
  if (options.extraParams !== undefined) await checkExtraParams(options.extraParams, { cwd: options.cwd, env: options.env, signal: options.signal })
  const call = modelNixCall(selection, output, options)
  const paths = await nixBuild({
    ...call,
    noOutLink: options.noOutLink,
    showTrace: options.showTrace,
    env: options.env,
    cwd: options.cwd,
    signal: options.signal,
    onTrace: options.onWarning,
  })
  const path = paths[0]
  if (path === undefined) throw new Error('bug: nix-build printed no store path')
  return path
}
