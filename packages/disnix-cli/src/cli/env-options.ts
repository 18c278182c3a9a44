import type { ModelOptions } from '../models/select-models.js'
import type { CoordinatorOptions } from './coordinator-session.js'
import type { HealthCheckOptions } from './health-check-options.js'

/** The options of disnix-env, as its definition parses them. */
export interface DisnixEnvOptions extends ModelOptions, CoordinatorOptions, HealthCheckOptions {
  repair?: boolean
  rollback?: boolean
  switchToGeneration?: number
  listGenerations?: boolean
  deleteGenerations?: string
  deleteAllGenerations?: boolean
  targetProperty: string
  interface: string
  deployState?: boolean
  profile: string
  maxConcurrentTransfers: number
  buildOnTargets?: boolean
  extraParams?: string
  coordinatorProfilePath?: string
  upgrade: boolean
  lock: boolean
  coordinatorProfile: boolean
  targetProfiles: boolean
  migration: boolean
  deleteState?: boolean
  depthFirst?: boolean
  keep: number
  showTrace?: boolean
  dryRun?: boolean
}
