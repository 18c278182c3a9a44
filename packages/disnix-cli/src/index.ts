// The coordinator tools live in src/tools/ (one file per executable); this index exposes the model
// handling they share, for scripts that drive the pipeline from TypeScript.
export { selectModels, type ModelKind, type ModelOptions, type ModelSelection, type ModelFileArg } from './models/select-models.js'
export { buildModels, type BuildModelsOptions } from './models/build-models.js'
export { modelNixCall, type ModelOutput, type ModelNixCallOptions } from './models/model-nix-call.js'
export { resolveModelFiles } from './models/resolve-model-files.js'
export { renderDot, type GraphFormat } from './render-dot.js'
