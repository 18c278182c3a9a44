import { describe, expect, test } from 'vitest'
import { emptyManifest } from '@disnix-ts/libmanifest'
import { previousDistribution } from './previous-distribution.js'

describe('previousDistribution', () => {
  test('maps every service name to the targets it runs on; a container other than the type is kept', () => {
    const manifest = emptyManifest()
    manifest.services = {
      h1: { name: 'web', pkg: '/nix/store/x-web', type: 'process', dependsOn: [], connectsTo: [], providesContainers: {} },
      h2: { name: 'db', pkg: '/nix/store/x-db', type: 'mysql-database', dependsOn: [], connectsTo: [], providesContainers: {} },
    }
    manifest.serviceMappings = [
      { service: 'h1', container: 'process', target: 'test1' },
      { service: 'h1', container: 'process', target: 'test2' },
      { service: 'h2', container: 'mysql-production', target: 'test2' },
    ]
    expect(previousDistribution(manifest)).toEqual({ web: [{ target: 'test1' }, { target: 'test2' }], db: [{ target: 'test2', container: 'mysql-production' }] })
  })
})
