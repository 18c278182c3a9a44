import type { Manifest } from '@disnix-ts/libmanifest'
import { activateSystem, TransitionStatus } from './activate-system.js'
import type { DeployContext } from './deploy-context.js'
import { setTargetProfiles } from './set-profiles.js'
import { targetLostError } from './target-loss.js'

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
  // Going back everywhere except on the lost targets: there, the configuration stays what it is.
  const back: Manifest = {
    ...oldManifest,
    services: { ...manifest.services, ...oldManifest.services },
    infrastructure: { ...manifest.infrastructure, ...oldManifest.infrastructure },
    serviceMappings: [...oldManifest.serviceMappings.filter((m) => !lostSet.has(m.target)), ...manifest.serviceMappings.filter((m) => lostSet.has(m.target))],
  }
  const status = await activateSystem({ ...options, lost: undefined, manifest: back, oldManifest: manifest, noRollback: true })
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
        ? `${t}: the way back failed (see above); inspect it`
        : `${t}: rolled back: the previous configuration is active${profilesBack ? '' : ' (its profile could not be set back)'}`,
    ),
    ...[...lost].sort().map((t) => `${t}: unreachable; last known state: ${lastKnownState(t, manifest, oldManifest)}${options.lostNote ? `; ${options.lostNote}` : ''}`),
  ]
  throw targetLostError({ cause: `${options.cause}; the deployment was undone where possible:`, lines, lost, finishCommand: options.finishCommand })
}

function lastKnownState(target: string, manifest: Manifest, oldManifest: Manifest): string {
  const key = (m: { service: string; container: string }) => `${m.service}\0${m.container}`
  const now = manifest.serviceMappings.filter((m) => m.target === target).map(key).sort()
  const before = oldManifest.serviceMappings.filter((m) => m.target === target).map(key).sort()
  if (now.join('\n') === before.join('\n')) return 'the previous configuration (this deployment changed nothing there)'
  return 'the new configuration\'s services were activated there; its profile was not set'
}
