export {
  DEFAULT_TESTNET_DIR,
  DEFAULT_TESTNET_NET,
  DEFAULT_TESTNET_BRIDGE,
  DEFAULT_TESTNET_NSPREFIX,
  MAX_TARGETS,
  MAX_BRIDGE_NAME,
  validateNetworkConfig,
  validateTargetNames,
  countedTargetNames,
  targetAddress,
  networkPaths,
  targetPaths,
  type NetworkConfig,
} from './network-config.js'
export { testnetUp, type TestnetUpOptions, type TestnetInfo, type TestnetTarget } from './testnet-up.js'
export { testnetDown, type TestnetDownResult } from './testnet-down.js'
export { testnetStatus, type TestnetStatus, type TargetStatus } from './testnet-status.js'
export { enterTargetArgv, execInTarget, setTargetLink, targetSessionEnv, type ExecInTargetOptions, type ExecResult } from './enter-target.js'
export { checkTestnetSupport, requireRoot, type SupportResult } from './check-support.js'
export { readInfrastructureTargets } from './infrastructure-targets.js'
export { allocateNetwork, ALLOCATION_DIR, type NetworkAllocation } from './allocate-network.js'
