import { execFileSync } from 'node:child_process'
import { nixTestEnv } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'
import { formatFloatLikeNix, formatNixFloat, nixFloat, nixPath, nixValuesEqual, nixValueToText } from './nix-value.js'

describe('nixValueToText', () => {
  test.each([
    ['a string', 'hello', 'hello'],
    ['an int', 8080, '8080'],
    ['a float', nixFloat(0.5), '0.5'],
    ['true', true, '1'],
    ['false', false, ''],
    ['a list', ['a', 2, true], 'a 2 1'],
    ['an attribute set', { a: 'b' }, ''],
    ['null', null, ''],
    ['a path', nixPath('/srv'), '/srv'],
  ])('renders %s as an activation argument value', (_what, value, text) => {
    expect(nixValueToText(value)).toBe(text)
  })
})

describe('nixValuesEqual', () => {
  test('ignores attribute order but not list order or int/float', () => {
    expect(nixValuesEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true)
    expect(nixValuesEqual([1, 2], [2, 1])).toBe(false)
    expect(nixValuesEqual(1, nixFloat(1))).toBe(false)
    expect(nixValuesEqual('/srv', nixPath('/srv'))).toBe(false)
  })
})

describe('float formatting', () => {
  test('formatFloatLikeNix prints floats exactly as builtins.toXML does', () => {
    const values = [2, 0.5, 1e6, 123456.7, 1234567, 0.0001, 0.00001234, -2.5, 3.14159265]
    const xml = execFileSync('nix-instantiate', ['--eval', '--xml', '--strict', '-E', `[ ${values.map((v) => `(${v.toFixed(8)})`).join(' ')} ]`], {
      env: { ...process.env, ...nixTestEnv() },
      encoding: 'utf8',
    })
    const fromNix = [...xml.matchAll(/<float value="([^"]*)"/g)].map((m) => m[1])
    expect(values.map(formatFloatLikeNix)).toEqual(fromNix)
  })

  test('formatNixFloat keeps a float a float in Nix code', () => {
    expect(formatNixFloat(2)).toBe('2.0')
    expect(formatNixFloat(0.25)).toBe('0.25')
  })
})
