export { emptyManifest, emptyProfileManifest, type Manifest, type ProfileManifest, type Service, type ServiceSecret } from './manifest.js'
export {
  compareServiceMappings,
  compareSnapshotMappings,
  sortServiceMappings,
  sortSnapshotMappings,
  serviceMappingKey,
  snapshotMappingKey,
  findServiceMapping,
  intersectServiceMappings,
  subtractServiceMappings,
  unionServiceMappings,
  intersectSnapshotMappings,
  subtractSnapshotMappings,
  sameServiceMappingKeys,
  sameSnapshotMappingKeys,
  type ServiceMapping,
  type SnapshotMapping,
} from './service-mapping.js'
export type { SnapshotFilter } from './manifest-xml-parts.js'
export {
  parseManifestXml,
  printManifestXml,
  MANIFEST_VERSION_MESSAGE,
  MANIFEST_VERSION_HINT,
  type ParseManifestOptions,
} from './manifest-xml.js'
export { readManifest, readManifestText, type ReadManifestOptions } from './read-manifest.js'
export { checkManifest, manifestProblems } from './check-manifest.js'
export {
  parseProfileManifestXml,
  readProfileManifest,
  printProfileManifestXml,
  profileManifestForTarget,
  type ProfileManifestOptions,
  type PrintProfileManifestOptions,
} from './profile-manifest.js'
export {
  mappingParameters,
  containerArguments,
  type MappingParameters,
  type MappingParametersSource,
  type MappingParametersService,
} from './mapping-parameters.js'
export {
  coordinatorProfileDir,
  coordinatorProfilePath,
  previousManifestPath,
  type CoordinatorProfileOptions,
  type PreviousManifestOptions,
} from './coordinator-profile.js'
export { compareManifests } from './compare-manifests.js'
export { printManifestNix, profileManifestNixValue } from './print-manifest-nix.js'
export {
  parseV1ManifestXml,
  convertV1Manifest,
  V1_VERSION_MESSAGE,
  type V1Manifest,
  type V1ActivationMapping,
  type V1Dependency,
  type V1SnapshotMapping,
} from './manifest-v1.js'
export { manifestToDot, type ManifestDotOptions } from './manifest-dot.js'
export { compareWithPreviousManifest, type CompareWithPreviousOptions } from './compare-with-previous.js'
export { readV1Manifest, type ReadV1ManifestOptions } from './read-v1-manifest.js'
