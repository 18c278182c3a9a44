import { describe, expect, test } from 'vitest'
import { profileArguments, transitionRecoveryCommand } from './deploy.js'
import { TransitionStatus } from './execute-transition.js'

describe('transitionRecoveryCommand', () => {
  const paths = { profile: 'prod', coordinatorProfilePath: '/var/coord', manifestPath: '/nix/store/new-manifest.xml', oldManifestPath: '/nix/store/old-manifest.xml' }

  test('status 2 reactivates the previous configuration without an upgrade', () => {
    expect(transitionRecoveryCommand(TransitionStatus.ObsoleteMappingsRollbackFailed, paths)).toBe(
      'disnix-activate --no-upgrade --no-rollback -p prod --coordinator-profile-path /var/coord /nix/store/old-manifest.xml',
    )
  })

  test('status 3 deactivates the new services by going back from the new manifest', () => {
    expect(transitionRecoveryCommand(TransitionStatus.NewMappingsRollbackFailed, paths)).toBe(
      'disnix-activate --no-rollback -p prod --coordinator-profile-path /var/coord -o /nix/store/new-manifest.xml /nix/store/old-manifest.xml',
    )
    expect(transitionRecoveryCommand(TransitionStatus.NewMappingsRollbackFailed, { ...paths, oldManifestPath: undefined })).toBe(
      'disnix-activate --no-rollback -p prod --coordinator-profile-path /var/coord -o /nix/store/new-manifest.xml <undeployment manifest>',
    )
  })

  test('a clean rollback, or a failed restore with nothing to restore, needs no command', () => {
    expect(transitionRecoveryCommand(TransitionStatus.Failed, paths)).toBeUndefined()
    expect(transitionRecoveryCommand(TransitionStatus.ObsoleteMappingsRollbackFailed, { ...paths, oldManifestPath: undefined })).toBeUndefined()
    expect(profileArguments({ profile: 'default' })).toBe('-p default')
  })
})
