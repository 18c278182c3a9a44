import { DisnixError } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'
import { migrate } from '@disnix-ts/libmigrate'
import { activateSystem, TransitionStatus } from './activate-system.js'
import type { DeployContext } from './deploy-context.js'
import { distribute } from './distribute.js'
import { lockTargets, unlockTargets } from './locking.js'
import { setProfiles } from './set-profiles.js'
import { TransitionError } from './transition-error.js'

export interface DeployOptions extends DeployContext {
  manifest: Manifest
  manifestPath: string
  /** The active configuration (from -o or the coordinator profile); absent on a first deployment. */
  oldManifest?: Manifest
  oldManifestPath?: string
  profile: string
  coordinatorProfilePath?: string
  user: string
  maxConcurrentTransfers: number
  noUpgrade?: boolean
  noRollback?: boolean
  noMigration?: boolean
  noLock?: boolean
  deleteState?: boolean
  transferOnly?: boolean
  depthFirst?: boolean
  all?: boolean
  keep?: number
  noCoordinatorProfile?: boolean
  noTargetProfiles?: boolean
}

/**
 * disnix-deploy (spec §5.7): distribute → lock → activate → migrate → set profiles → unlock, all in
 * this process as the original's libdeploy does. Throws a DisnixError whose code and hint say what is
 * left and how to recover (MIGRATION_FAILED: the new configuration is active, its state is not);
 * locks are always released.
 */
export async function deploy(options: DeployOptions): Promise<void> {
  const { manifest, progress } = options
  const oldManifest = options.noUpgrade ? undefined : options.oldManifest
  if (!options.noMigration && options.oldManifest) checkContainerProviders(manifest, options.oldManifest)

  progress({ kind: 'message', text: 'Distributing intra-dependency closures...' })
  await distribute(options)

  const lockOptions = { ...options, manifest, profile: options.profile }
  if (options.noLock) progress({ kind: 'message', text: 'Not acquiring any locks...' })
  else {
    progress({ kind: 'message', text: 'Acquiring locks...' })
    await lockTargets(lockOptions)
  }
  const release = async () => {
    if (options.noLock) return
    progress({ kind: 'message', text: 'Releasing locks...' })
    await unlockTargets(lockOptions)
  }

  try {
    progress({ kind: 'message', text: 'Activating new configuration...' })
    if (options.noUpgrade) progress({ kind: 'message', text: 'Forced to do no upgrade! Ignoring the previous manifest file!' })
    const status = await activateSystem({ ...options, manifest, oldManifest, noRollback: options.noRollback })
    if (status !== TransitionStatus.Success) throw transitionError(status, options)

    if (!options.noMigration) progress({ kind: 'message', text: 'Migrating data...' })
    if (!options.noMigration && hasStatefulServices(manifest, options.oldManifest)) {
      try {
        await migrate({
          ...options,
          manifest,
          oldManifest,
          noUpgrade: options.noUpgrade ?? false,
          deleteState: options.deleteState ?? false,
          transferOnly: options.transferOnly ?? false,
          depthFirst: options.depthFirst ?? false,
          all: options.all ?? false,
          keep: options.keep ?? 1,
        })
      } catch (error) {
        const old = options.oldManifestPath ? ` -o ${options.oldManifestPath}` : ''
        const where = profileArguments(options)
        throw new DisnixError('MIGRATION_FAILED', `The data migration failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
          hint: `fix the problem, then run: disnix-migrate ${where}${old} ${options.manifestPath} && disnix-set ${where} ${options.manifestPath}`,
        })
      }
    }

    progress({ kind: 'message', text: 'Setting profiles...' })
    await setProfiles({ ...options, manifest })
  } catch (error) {
    await release().catch(() => {})
    throw error
  }
  await release()

  if (options.oldManifest && !options.deleteState && hasObsoleteState(manifest, options.oldManifest) && options.oldManifestPath) {
    progress({
      kind: 'message',
      text: `NOTE: The state of services that moved or were removed has not been deleted. Delete it with: disnix-delete-state ${profileArguments(options)} ${options.oldManifestPath}`,
    })
  }
}

/** Spec §5.7 step 2: a stateful service cannot lose the service that provides its container. */
function checkContainerProviders(manifest: Manifest, oldManifest: Manifest): void {
  for (const mapping of oldManifest.snapshotMappings) {
    const serviceMapping = oldManifest.serviceMappings.find(
      (m) => m.service === mapping.service && m.container === mapping.container && m.target === mapping.target,
    )
    const provider = serviceMapping?.containerProvidedByService
    if (provider !== undefined && manifest.services[provider] === undefined) {
      throw new DisnixError(
        'PROVIDER_REMOVED',
        `Service: ${mapping.service} is mapped to container: ${mapping.container}, provided by service: ${provider}, but that service no longer exists in the new configuration!`,
        {
          hint: 'its state cannot be snapshotted once its container is gone: first deploy a configuration without the stateful service (or with --no-migration), then remove the container provider',
        },
      )
    }
  }
}

function hasStatefulServices(manifest: Manifest, oldManifest: Manifest | undefined): boolean {
  return manifest.snapshotMappings.length > 0 || (oldManifest?.snapshotMappings.length ?? 0) > 0
}

function hasObsoleteState(manifest: Manifest, oldManifest: Manifest): boolean {
  const current = new Set(manifest.snapshotMappings.map((m) => `${m.target}\0${m.container}\0${m.component}`))
  return oldManifest.snapshotMappings.some((m) => !current.has(`${m.target}\0${m.container}\0${m.component}`))
}

/** `-p P [--coordinator-profile-path D]`, for the recovery commands printed after a failure. */
export function profileArguments(options: { profile: string; coordinatorProfilePath?: string }): string {
  return `-p ${options.profile}${options.coordinatorProfilePath ? ` --coordinator-profile-path ${options.coordinatorProfilePath}` : ''}`
}

export interface RecoveryOptions {
  profile: string
  coordinatorProfilePath?: string
  manifestPath: string
  /** The configuration that was active before; without it there is nothing to go back to. */
  oldManifestPath?: string
}

/**
 * The disnix-activate command that finishes what a failed rollback left (spec §5.5): for status 2 the
 * previous configuration is activated again, for status 3 the new services are deactivated.
 */
export function transitionRecoveryCommand(status: TransitionStatus, options: RecoveryOptions): string | undefined {
  const where = profileArguments(options)
  const old = options.oldManifestPath
  if (status === TransitionStatus.ObsoleteMappingsRollbackFailed && old) return `disnix-activate --no-upgrade --no-rollback ${where} ${old}`
  if (status === TransitionStatus.NewMappingsRollbackFailed) return `disnix-activate --no-rollback ${where} -o ${options.manifestPath} ${old ?? '<undeployment manifest>'}`
  return undefined
}

function transitionError(status: Exclude<TransitionStatus, 'success'>, options: DeployOptions): TransitionError {
  const command = transitionRecoveryCommand(status, options)
  const problem =
    status === TransitionStatus.ObsoleteMappingsRollbackFailed ? 'the previous configuration could not be restored' : 'new services could not be deactivated'
  const hint = command === undefined ? undefined : `${problem}; inspect the targets, then retry with: ${command}`
  const state = status === TransitionStatus.Failed ? 'the previous configuration is active again' : 'the rollback failed too'
  return new TransitionError(status, `Transition phase execution failed (${state})!`, { hint })
}
