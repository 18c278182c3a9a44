export { runInterface, runInterfaceInteractive, resolveInterface, outputLines, type InterfaceCall, type RunInterfaceOptions } from './run-interface.js'
export { printInvalid, importClosure, exportClosure, queryRequisites, realise, collectGarbage } from './closure-operations.js'
export { setProfile, queryInstalled, lock, unlock } from './profile-operations.js'
export {
  activate,
  deactivate,
  snapshot,
  restore,
  deleteState,
  runActivity,
  shell,
  type ServiceActivity,
  type ActivityOperation,
} from './service-activities.js'
export {
  cleanSnapshots,
  queryAllSnapshots,
  queryLatestSnapshot,
  printMissingSnapshots,
  resolveSnapshots,
  importSnapshots,
  exportSnapshots,
  type SnapshotFilter,
  type ImportSnapshotsOptions,
} from './snapshot-operations.js'
export { captureConfig } from './capture-config.js'
