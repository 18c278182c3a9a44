import { describe, expect, test } from 'vitest'
import { emptyManifest } from '@disnix-ts/libmanifest'
import { finishDeploymentCommand, type DeployOptions } from './deploy.js'
import { DEFAULT_HEALTH_CHECK_POLICY } from './wait-until-healthy.js'

const base: DeployOptions = {
  manifest: emptyManifest(),
  manifestPath: '/nix/store/00000000000000000000000000000000-manifest.xml',
  oldManifestPath: '/nix/store/11111111111111111111111111111111-manifest.xml',
  profile: 'default',
  coordinatorProfilePath: '/srv/coordinator',
  user: 'op',
  maxConcurrentTransfers: 2,
  keep: 1,
  progress: () => {},
  tmpdir: '/tmp',
}

describe('the command that finishes a deployment a lost target interrupted', () => {
  test('with the defaults: the profile and the manifest, no -o (the coordinator profile is read again)', () => {
    expect(finishDeploymentCommand(base)).toBe('disnix-deploy -p default --coordinator-profile-path /srv/coordinator /nix/store/00000000000000000000000000000000-manifest.xml')
    expect(finishDeploymentCommand({ ...base, healthChecks: DEFAULT_HEALTH_CHECK_POLICY })).toBe(finishDeploymentCommand(base))
  })

  test('repeats every option of the run that changes what a deployment does', () => {
    const all: DeployOptions = {
      ...base,
      maxConcurrentTransfers: 4,
      noUpgrade: true,
      noRollback: true,
      noMigration: true,
      noLock: true,
      deleteState: true,
      transferOnly: true,
      depthFirst: true,
      all: true,
      keep: 3,
      noCoordinatorProfile: true,
      noTargetProfiles: true,
      healthChecks: false,
    }
    expect(finishDeploymentCommand(all)).toBe(
      'disnix-deploy -p default --coordinator-profile-path /srv/coordinator -m 4 --no-upgrade --no-rollback --no-migration --no-lock --delete-state --transfer-only --depth-first --all --keep 3 --no-coordinator-profile --no-target-profiles --no-health-checks /nix/store/00000000000000000000000000000000-manifest.xml',
    )
    expect(finishDeploymentCommand({ ...base, healthChecks: { ...DEFAULT_HEALTH_CHECK_POLICY, timeoutMs: 9000 } })).toContain(' --health-check-timeout 9 ')
  })
})
