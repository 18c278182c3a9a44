import { Option } from 'commander'
import { nonNegativeInteger } from '@disnix-ts/libmain'
import type { HealthCheckPolicy } from '@disnix-ts/libdeploy'

/** The health-gate options of the tools that activate services (disnix-activate, -deploy, -env). */
export interface HealthCheckOptions {
  healthCheckTimeout?: number
  healthChecks: boolean
}

/** The default of --health-check-timeout, in seconds (libdeploy's DEFAULT_HEALTH_CHECK_POLICY). */
export const DEFAULT_HEALTH_CHECK_SECONDS = 5
const INTERVAL_MS = 500
const SETTLE_MS = 2000

export function healthCheckOptions(): Option[] {
  return [
    new Option(
      '--health-check-timeout <seconds>',
      `After activating a service, wait at most SECONDS for its Dysnomia check to pass (services without their own healthCheckTimeout; default ${DEFAULT_HEALTH_CHECK_SECONDS})`,
    ).argParser(nonNegativeInteger),
    new Option('--no-health-checks', 'Do not check the health of activated services (an activation that exits 0 counts as success)'),
  ]
}

/** The policy libdeploy takes: off, or the run's timeout with the poll interval. */
export function healthCheckPolicy(opts: HealthCheckOptions): HealthCheckPolicy | false {
  if (!opts.healthChecks) return false
  return { timeoutMs: (opts.healthCheckTimeout ?? DEFAULT_HEALTH_CHECK_SECONDS) * 1000, intervalMs: INTERVAL_MS, settleMs: SETTLE_MS }
}
