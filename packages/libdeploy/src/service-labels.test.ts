import { describe, expect, test } from 'vitest'
import { serviceLabels } from './service-labels.js'

describe('serviceLabels', () => {
  test('names services by name, adding the key only where two services of one configuration share a name', () => {
    const label = serviceLabels(
      { afa57a0d11112222: { name: 'staff' }, b0b0b0b0b0b0b0b0: { name: 'staff' }, c1c1c1c1: { name: 'rooms' } },
      { d2d2d2d2: { name: 'rooms' } },
    )
    expect(label('c1c1c1c1')).toBe('rooms')
    expect(label('d2d2d2d2')).toBe('rooms')
    expect(label('afa57a0d11112222')).toBe('staff (key afa57a0d1111)')
    expect(label('b0b0b0b0b0b0b0b0')).toBe('staff (key b0b0b0b0b0b0)')
    expect(label('unknown')).toBe('unknown')
  })
})
