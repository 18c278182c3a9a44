export { nixBuild, type NixBuildOptions } from './nix-build.js'
export { nixInstantiate, nixInstantiateDerivations, nixEvalJson, type NixInstantiateOptions } from './nix-instantiate.js'
export { type NixCallOptions } from './nix-args.js'
export { nixEvaluationError, nixTraceLines } from './nix-error.js'
// store and profiles
export {
  queryRequisites,
  printInvalid,
  isValidStorePath,
  exportPaths,
  importPaths,
  realise,
  queryHash,
  querySize,
  collectGarbage,
  runNixProcess,
  type NixProcessOptions,
  type ExportDestination,
  type ImportSource,
} from './nix-store.js'
export {
  setProfile,
  listGenerations,
  deleteGenerations,
  parseGenerations,
  targetProfileDir,
  coordinatorProfileDir,
  type ProfileGeneration,
  type CoordinatorProfileOptions,
} from './nix-env.js'
export { generationLinks, type GenerationLink } from './generation-links.js'
