export {
  readConfigFile,
  evaluateConfigText,
  parseConfigLine,
  propertyValueString,
  propertiesToEnv,
  type ConfigProperty,
  type ParsedConfigLine,
  type ReadConfigOptions,
} from './config-file.js'
export {
  dysnomiaSettings,
  requestSettings,
  defaultStateDir,
  splitSearchPath,
  DEFAULT_CONTAINERS_PATH,
  DEFAULT_COMPONENTS_PATH,
  DEFAULT_PROPERTIES_FILE,
  ROOT_STATE_DIR,
  type DysnomiaSettings,
  type Identity,
} from './dysnomia-settings.js'
export { isPathReference, canonicalPath } from './resolve-path.js'
export { resolveModule, type ResolveModuleOptions } from './resolve-module.js'
export { prepareDysnomiaInvocation, invocationCache, type InvocationCache, type DysnomiaRequest, type DysnomiaInvocation } from './prepare-dysnomia-invocation.js'
export {
  runDysnomiaOperation,
  runModule,
  type RunDysnomiaOperationOptions,
  type ModuleStdio,
  type ModuleOutput,
} from './run-dysnomia-operation.js'
export { runDysnomiaShell, shellRcFile, type RunDysnomiaShellOptions } from './run-dysnomia-shell.js'
export {
  checkComponent,
  runModuleCheck,
  interpretCheckOutput,
  HEALTHY_PREFIX,
  type CheckStatus,
  type CheckResult,
  type CheckRunOptions,
  type CheckComponentOptions,
  type ModuleCheckOutput,
} from './check-component.js'
export { DYSNOMIA_OPERATIONS, isDysnomiaOperation, assertDysnomiaOperation, type DysnomiaOperation } from './dysnomia-operations.js'
export { fileAccessError } from './file-access-error.js'
export {
  queryContainers,
  queryAvailableComponents,
  queryActivatedComponents,
  queryGarbageComponents,
  formatComponents,
  type ContainerComponent,
} from './query-components.js'
export {
  deployComponents,
  executeOperationOnComponents,
  collectComponentsGarbage,
  type ContainersOperationOptions,
} from './containers-operations.js'
export { generateExpr, containerFiles, nixString, type GenerateExprOptions } from './generate-expr.js'
export { generateDot, type GenerateDotOptions } from './generate-dot.js'
export { addUsers, delUsers, addGroups, delGroups, useraddArgs, specificationFiles, type UserManagementOptions } from './user-management.js'
export { bareProgress } from './bare-progress.js'
export {
  runSnapshotsOperation,
  SNAPSHOTS_OPERATIONS,
  type SnapshotsOperation,
  type RunSnapshotsOperationOptions,
  type SnapshotsOutcome,
} from './run-snapshots-operation.js'

// snapshot store
export { composeStorePaths, assertStoreName, type StoreContext, type StorePaths } from './store/store-paths.js'
export { determineComponentName, determineContainerName, DEFAULT_NIX_STORE_DIR, type NameOptions } from './store/determine-component-name.js'
export {
  markComponentAsActive,
  unmarkComponentAsActive,
  markComponentAsGarbage,
  unmarkComponentAsGarbage,
  componentMarkedAsGarbage,
  componentMarkedAsActive,
} from './store/component-markers.js'
export { computeOutputHash, serializeDirectory } from './store/compute-output-hash.js'
export { listGenerations, generationSnapshotId, determineLastSnapshot, createGenerationSymlink } from './store/generations.js'
export {
  createSnapshotTempDir,
  storeSnapshot,
  writeSnapshot,
  moveIntoStore,
  stageOnStoreFileSystem,
  renameUnlessPresent,
  type StoredSnapshot,
} from './store/store-snapshot.js'
export {
  queryAllSnapshots,
  queryLatestSnapshots,
  listGenerationDirs,
  listNames,
  snapshotRelativePath,
  type SnapshotRef,
  type SnapshotFilter,
} from './store/query-snapshots.js'
export { checkSnapshot, type SnapshotCheck } from './store/check-snapshot.js'
export { gcSnapshots, type GcOptions, type GcRemoval } from './store/gc-snapshots.js'
export { importSnapshots, type ImportedSnapshot } from './store/import-snapshots.js'
export { resolveSnapshot, findMissingSnapshots } from './store/resolve-snapshot.js'
export { pathExists } from './store/path-exists.js'
export { BATCH_MARKER, moduleBatchOperations, runModuleBatch, splitSegments, type BatchOutcome, type ModuleBatch } from './module-batch.js'
