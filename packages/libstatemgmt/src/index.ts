export { copySnapshotsFrom } from './copy-snapshots-from.js'
export { copySnapshotsTo } from './copy-snapshots-to.js'
export {
  queryLocalSnapshots,
  printMissingLocal,
  resolveLocal,
  importLocal,
  type LocalStoreOptions,
  type LocalSnapshotQuery,
} from './coordinator-store.js'
export { directorySize, withTmpdir, type SnapshotTransferOptions, type SnapshotTransferResult } from './snapshot-transfer.js'
export {
  profileSnapshotStore,
  dysnomiaStateDir,
  describeLocalSnapshot,
  formatSnapshotOrigin,
  copyBetweenStores,
  type SnapshotStoreLocation,
  type SnapshotOrigin,
  type CopyBetweenStoresOptions,
} from './profile-snapshot-store.js'
