import { describe, expect, test } from 'vitest'
import { deployHint } from './prepare-deployment.js'

describe('deployHint', () => {
  test('takes the previous manifest or the infrastructure model, with the target property and interface', () => {
    expect(deployHint({ previousManifest: '/p/default-3-link', targetProperty: 'hostname', interface: 'disnix-ssh-client' })).toEqual({
      previousManifest: '/p/default-3-link',
      targetProperty: 'hostname',
      interface: 'disnix-ssh-client',
    })
    expect(deployHint({ infrastructure: '/m/infrastructure.nix' })).toEqual({ infrastructure: '/m/infrastructure.nix' })
  })

  test('anything else is no hint (a preparation is only a guess; the run reads its own command line)', () => {
    for (const value of [undefined, null, 42, 'x', [], {}, { targetProperty: 'hostname' }, { infrastructure: '' }, { infrastructure: 3 }, { previousManifest: ['a'] }]) {
      expect(deployHint(value)).toBeUndefined()
    }
  })
})
