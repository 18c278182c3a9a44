import { describe, expect, test } from 'vitest'
import { DisnixError } from '@disnix-ts/libmain'
import { assertDysnomiaOperation, closestName, DYSNOMIA_OPERATIONS } from './dysnomia-operations.js'

describe('assertDysnomiaOperation', () => {
  test.each(DYSNOMIA_OPERATIONS)('accepts %s', (operation) => {
    expect(() => assertDysnomiaOperation(operation)).not.toThrow()
  })

  test.each([
    ['activte', 'activate'],
    ['deactiavte', 'deactivate'],
    ['snapshto', 'snapshot'],
    ['collect-garbag', 'collect-garbage'],
    ['Check', 'check'],
    ['unlok', 'unlock'],
  ])('refuses %s and suggests %s', (typo, suggestion) => {
    const error = (() => {
      try {
        assertDysnomiaOperation(typo)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(DisnixError)
    expect((error as DisnixError).code).toBe('USAGE')
    expect((error as DisnixError).message).toBe(
      `ERROR: Unknown operation: "${typo}" (did you mean ${suggestion}?); the operations are: activate, deactivate, lock, unlock, snapshot, restore, collect-garbage, shell, check`,
    )
  })

  test('suggests nothing for something unlike any operation', () => {
    expect(closestName('frobnicate', DYSNOMIA_OPERATIONS)).toBeUndefined()
    expect(closestName('x', DYSNOMIA_OPERATIONS)).toBeUndefined()
  })
})
