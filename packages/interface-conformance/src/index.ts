// Test-only: the client-interface conformance scenario that every implementation (disnix-client,
// disnix-run-activity, the --serve session, disnix-ssh-client) passes, and the Dysnomia test modules
// it deploys. Never built, never shipped.
export { describeClientInterface, type LocalInterface, type ScenarioEnv } from './client-interface-scenario.js'
export { writeTestModules } from './test-modules.js'
