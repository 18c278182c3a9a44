import { subtractSnapshotMappings, type Manifest, type SnapshotMapping } from '@disnix-ts/libmanifest'

/** Which snapshot mappings a step works on, and the manifest whose services describe them. */
export interface StateSelection {
  mappings: SnapshotMapping[]
  /** The manifest the services (type, pkg, container provider) are taken from. */
  services: Manifest
}

/**
 * Spec §6.3: what is snapshotted. `--no-upgrade`: every mapping of the manifest; otherwise the state
 * that moved away or was removed (previous − new), described by the previous services. Undefined when
 * an upgrade is asked for and no previous configuration is known.
 */
export function selectSnapshotMappings(manifest: Manifest, oldManifest: Manifest | undefined, noUpgrade: boolean): StateSelection | undefined {
  if (noUpgrade) return { mappings: [...manifest.snapshotMappings], services: manifest }
  if (oldManifest === undefined) return undefined
  return { mappings: subtractSnapshotMappings(oldManifest.snapshotMappings, manifest.snapshotMappings), services: oldManifest }
}

/**
 * Spec §6.4: what is restored. `--no-upgrade` or no previous configuration: every mapping of the
 * manifest (state is restored whenever a service is added); otherwise the newly placed state
 * (new − previous).
 */
export function selectRestoreMappings(manifest: Manifest, oldManifest: Manifest | undefined, noUpgrade: boolean): StateSelection {
  if (noUpgrade || oldManifest === undefined) return { mappings: [...manifest.snapshotMappings], services: manifest }
  return { mappings: subtractSnapshotMappings(manifest.snapshotMappings, oldManifest.snapshotMappings), services: manifest }
}
