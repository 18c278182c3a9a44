import type { Manifest } from '@disnix-ts/libmanifest'
import { activateSystem, TransitionStatus } from './activate-system.js'
import type { DeployContext } from './deploy-context.js'
import { setTargetProfiles } from './set-profiles.js'
import { targetLostError } from './target-loss.js'
import { mappingKey } from './transition-plan.js'

export interface RestoreReachableOptions extends DeployContext {
  /** The configuration that was being deployed (its services are active). */
  manifest: Manifest
  manifestPath: string
  /** The configuration to go back to. */
  oldManifest: Manifest
  profile: string
  user: string
  /** The targets that were lost (could not be reached); they are left as they are. */
  lost: readonly string[]
  /** The command that finishes the deployment once the lost targets are back. */
  finishCommand: string
  /** What failed, for the message. */
  cause: string
  /** Said of each lost target after its last known state (the lock it keeps, ...). */
  lostNote?: string
  /** Said when even the way back fails on a reachable target: how to go back instead. */
  goBackNote?: string
  /** What may or may not have happened on each lost target when it was lost (by target). */
  inFlight?: ReadonlyMap<string, InFlight>
}

/**
 * Brings every reachable target back to the previous configuration after targets were lost once the
 * new one was active (spec §5.6 has no answer for this; the original leaves the system half-done):
 * the reverse transition on the reachable targets only (the lost targets' mappings are taken as they
 * are, so nothing is asked of them), then their profiles are set back. Data state is not touched.
 * Always throws: a DisnixError with a per-target account and the command that finishes the job.
 */
export async function restoreReachable(options: RestoreReachableOptions): Promise<never> {
  const { manifest, oldManifest, lost, progress } = options
  const lostSet = new Set(lost)
  progress({ kind: 'message', text: `${lost.join(', ')} could not be reached; bringing the reachable targets back to the previous configuration...` })
  // Going back everywhere except on the lost targets: there, the configuration stays what it is. Their
  // mappings of both configurations are on both sides, so that nothing is asked of them and every
  // service on a reachable target finds its dependencies (the old web its old api on a lost target).
  const services = { ...manifest.services, ...oldManifest.services }
  const infrastructure = { ...manifest.infrastructure, ...oldManifest.infrastructure }
  const seen = new Set<string>()
  const onLost = [...oldManifest.serviceMappings, ...manifest.serviceMappings].filter((m) => lostSet.has(m.target) && !seen.has(mappingKey(m)) && seen.add(mappingKey(m)))
  const reachableOf = (m: Manifest) => m.serviceMappings.filter((x) => !lostSet.has(x.target))
  const back: Manifest = { ...oldManifest, services, infrastructure, serviceMappings: [...reachableOf(oldManifest), ...onLost] }
  const from: Manifest = { ...manifest, services, infrastructure, serviceMappings: [...reachableOf(manifest), ...onLost] }
  const status = await activateSystem({ ...options, lost: undefined, manifest: back, oldManifest: from, noRollback: true })
  const reachable = Object.keys({ ...manifest.profiles, ...oldManifest.profiles }).filter((t) => !lostSet.has(t)).sort()
  let profilesBack = true
  if (status === TransitionStatus.Success) {
    const profiles = Object.fromEntries(Object.entries(oldManifest.profiles).filter(([t]) => !lostSet.has(t)))
    try {
      await setTargetProfiles({ ...options, manifest: { ...oldManifest, profiles } })
    } catch {
      profilesBack = false
    }
  }
  const lines = [
    ...reachable.map((t) =>
      status !== TransitionStatus.Success
        ? `${t}: not back in the previous configuration: the way back failed (see above)`
        : `${t}: rolled back: the previous configuration is active${profilesBack ? '' : ' (its profile could not be set back)'}`,
    ),
    ...[...lost].sort().map((t) => `${t}: unreachable; last known state: ${lastKnownState(t, manifest, oldManifest, options.inFlight?.get(t))}${options.lostNote ? `; ${options.lostNote}` : ''}`),
  ]
  const failed = status !== TransitionStatus.Success
  throw targetLostError({
    cause: `${options.cause}; ${failed ? 'the way back failed on the reachable targets too' : 'the deployment was undone where possible'}:`,
    lines,
    lost,
    finishCommand: options.finishCommand,
    ...(failed && options.goBackNote ? { note: options.goBackNote } : {}),
  })
}

/** What was under way on a target when it was lost, and so may or may not have happened there. */
export interface InFlight {
  /** The request to set its Disnix profile to the new configuration may have reached it. */
  profile?: boolean
  /** A state activity that was running there (`the restore of the state of files`). */
  state?: string
}

/**
 * The last known state of a target lost after the transition (while migrating the data or setting the
 * profiles), from what this deployment changed there and what was under way when it was lost: the
 * coordinator cannot know whether a request that was sent before the link went down arrived.
 */
export function lastKnownState(target: string, manifest: Manifest, oldManifest: Manifest, inFlight: InFlight = {}): string {
  const key = (m: { service: string; container: string }) => `${m.service}\0${m.container}`
  const now = manifest.serviceMappings.filter((m) => m.target === target).map(key).sort()
  const before = oldManifest.serviceMappings.filter((m) => m.target === target).map(key).sort()
  const unchanged = now.join('\n') === before.join('\n')
  const state = inFlight.state ? `; ${inFlight.state}, which was running when it was lost, may or may not have happened` : ''
  if (inFlight.profile) {
    const services = unchanged ? 'the previous configuration\'s services (this deployment changed none there)' : 'the new configuration\'s services are active there'
    return `${services}; its Disnix profile may or may not have been set to the new configuration (the request may have reached it before it was lost)${state}`
  }
  if (unchanged) return `the previous configuration (this deployment changed nothing there)${state}`
  return `the new configuration's services are active there; its profile was not set${state}`
}

export interface BringReachableBackOptions extends DeployContext {
  /** The configuration that was being deployed. */
  manifest: Manifest
  /** The configuration to go back to. */
  oldManifest: Manifest
  /** The targets that were lost; nothing is asked of them. */
  lost: readonly string[]
  /** What every activity that succeeded so far left its mapping (mappingKey → state); updated. */
  done: Map<string, 'activated' | 'deactivated'>
}

/**
 * After a transition whose rollback failed because a target was lost (an old service on the reachable
 * targets could not be activated again since it depends on one on the lost target), brings the
 * reachable targets back to the previous configuration from where they are: their services of the
 * previous configuration that are down are activated again and the new ones that are up are
 * deactivated. The lost targets' services are taken as the previous configuration has them (nothing is
 * asked of them). Data state is not touched. Returns whether every activity succeeded.
 */
export async function bringReachableBack(options: BringReachableBackOptions): Promise<boolean> {
  const { manifest, oldManifest, done, progress } = options
  const lostSet = new Set(options.lost)
  const before = new Set(oldManifest.serviceMappings.map(mappingKey))
  const reachable = (m: { target: string }) => !lostSet.has(m.target)
  const now = [
    ...oldManifest.serviceMappings.filter((m) => !reachable(m) || done.get(mappingKey(m)) !== 'deactivated'),
    ...manifest.serviceMappings.filter((m) => reachable(m) && !before.has(mappingKey(m)) && done.get(mappingKey(m)) === 'activated'),
  ]
  const services = { ...manifest.services, ...oldManifest.services }
  const infrastructure = { ...manifest.infrastructure, ...oldManifest.infrastructure }
  progress({ kind: 'message', text: `${options.lost.join(', ')} could not be reached; bringing the reachable targets back to the previous configuration...` })
  const status = await activateSystem({
    ...options,
    lost: undefined,
    done,
    manifest: { ...oldManifest, services, infrastructure },
    oldManifest: { ...oldManifest, services, infrastructure, serviceMappings: now },
    noRollback: true,
  })
  return status === TransitionStatus.Success
}
