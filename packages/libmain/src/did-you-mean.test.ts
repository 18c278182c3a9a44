import { describe, expect, test } from 'vitest'
import { didYouMean, similarWords } from './did-you-mean.js'

describe('didYouMean', () => {
  test('suggests the closest names: a letter too many, too few, swapped or wrong', () => {
    const services = ['staff', 'staffservice', 'rooms', 'roomservice', 'zipcodes']
    expect(didYouMean('stafff', services)).toBe(' (did you mean: staff?)')
    expect(didYouMean('roms', services)).toBe(' (did you mean: rooms?)')
    expect(didYouMean('zipcodse', services)).toBe(' (did you mean: zipcodes?)')
    expect(similarWords('STAFF', services)).toEqual(['staff'])
  })

  test('says nothing when no name is close', () => {
    expect(didYouMean('database', ['staff', 'rooms'])).toBe('')
    expect(similarWords('ab', ['xy'])).toEqual([])
  })
})
