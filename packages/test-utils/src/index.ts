// Test-only helpers shared by the tests of every package: temp dirs, running the built executables,
// Nix settings for tests, test closures, the bash test interface, and the one decision whether tests
// that need root or a test network run here. Never built, never shipped.
export {
  testDir,
  suiteDir,
  runBin,
  nixTestEnv,
  isRoot,
  rootPrecondition,
  runsHere,
  buildTestClosure,
  buildTestProfile,
  writeSshTestInterface,
  type BinResult,
  type RunBinOptions,
  type TestClosure,
  type Precondition,
} from './testing.js'
export { terminalScreen } from './terminal-screen.js'
