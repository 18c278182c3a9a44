import { mkdir } from 'node:fs/promises'
import { DisnixError, progressError, withPhase } from '@disnix-ts/libmain'
import { coordinatorProfileDir, type Manifest } from '@disnix-ts/libmanifest'
import { setProfile } from '@disnix-ts/libnix'
import { manifestClient, type DeployContext } from './deploy-context.js'
import { isTargetLoss, lossReason, lostReasons } from './target-loss.js'

export interface SetProfilesOptions extends DeployContext {
  manifest: Manifest
  /** The manifest's store path, recorded in the coordinator profile. */
  manifestPath: string
  profile: string
  coordinatorProfilePath?: string
  /** The user whose per-user coordinator profile is used (when no path is given). */
  user: string
  noCoordinatorProfile?: boolean
  noTargetProfiles?: boolean
}

/**
 * Sets the Disnix profile on every target, then the coordinator profile (spec §5.6). An unchanged
 * configuration adds no generation anywhere. Returns whether the coordinator got a new generation.
 */
export async function setProfiles(options: SetProfilesOptions): Promise<boolean> {
  return withPhase(options.progress, 'set-profiles', () => setAllProfiles(options))
}

async function setAllProfiles(options: SetProfilesOptions): Promise<boolean> {
  if (!options.noTargetProfiles) await setTargetProfiles(options)
  if (options.noCoordinatorProfile) return false
  const dir = coordinatorProfileDir({ path: options.coordinatorProfilePath, user: options.user })
  await mkdir(dir, { recursive: true, mode: 0o755 })
  return setProfile(dir, options.profile, options.manifestPath, { env: options.nixEnv, step: 'setting the coordinator profile' })
}

export async function setTargetProfiles(options: SetProfilesOptions): Promise<void> {
  const { manifest, progress } = options
  const failed: string[] = []
  const lost = new Map<string, string>()
  await Promise.all(
    Object.entries(manifest.profiles).map(async ([targetName, path]) => {
      progress({ kind: 'step', target: targetName, step: 'set profile', status: 'start', text: `Setting Disnix profile: ${path}` })
      try {
        await manifestClient(manifest, targetName, options, { cancellable: false }).call({ op: 'set', profile: options.profile, path })
        progress({ kind: 'step', target: targetName, step: 'set profile', status: 'done' })
      } catch (error) {
        failed.push(targetName)
        if (isTargetLoss(error)) lost.set(targetName, lossReason(error))
        progress({ kind: 'step', target: targetName, step: 'set profile', status: 'failed', text: `Cannot set Disnix profile: ${path}`, error: progressError(error) })
      }
    }),
  )
  if (failed.length > 0) throw new SetProfilesError(failed.sort(), lost)
}

/** Setting the profile failed on some targets (unreachable ones, typically); the others have theirs set. */
export class SetProfilesError extends DisnixError {
  constructor(
    readonly targets: string[],
    /** Those of them that could not be reached, and why. */
    readonly lost: ReadonlyMap<string, string> = new Map(),
  ) {
    super('SET_PROFILE_FAILED', `Cannot set the Disnix profile on: ${lost.size === targets.length ? lostReasons(lost) : targets.join(', ')}`)
  }
}
