import { describe, expect, test } from 'vitest'
import { countedTargetNames, targetAddress, targetMac, validateNetworkConfig, validateTargetNames, vethName } from './network-config.js'
import { assignSlots } from './network-state.js'

const good = { dir: '/tmp/tn', net: '10.233.0', bridge: 'tnbr0', nsPrefix: 'tn-' }

describe('validateNetworkConfig', () => {
  test('accepts the defaults', () => {
    expect(validateNetworkConfig(good)).toEqual(good)
  })

  test.each([
    [{ ...good, dir: 'relative' }, 'the state dir must be an absolute path: relative'],
    [{ ...good, dir: '/tmp/with space' }, 'the state dir must not contain white space, quotes or backslashes: "/tmp/with space"'],
    [{ ...good, net: '10.233' }, 'invalid network "10.233": expected the first three octets of a /24, e.g. 10.233.0'],
    [{ ...good, net: '10.233.256' }, 'invalid network "10.233.256": expected the first three octets of a /24, e.g. 10.233.0'],
    [{ ...good, bridge: 'averylongbridge' }, 'invalid bridge name "averylongbridge": use at most 11 letters, digits, - or _'],
    [{ ...good, bridge: 'br;rm' }, 'invalid bridge name "br;rm": use at most 11 letters, digits, - or _'],
    [{ ...good, nsPrefix: 'a/b' }, 'invalid netns prefix "a/b": use at most 32 letters, digits, ., - or _'],
  ])('rejects %j', (config, message) => {
    expect(() => validateNetworkConfig(config)).toThrow(message)
  })

  test('keeps host-side veth names within the 15 characters Linux allows', () => {
    expect(vethName('tnbr1234567', 240)).toHaveLength(15)
  })
})

describe('validateTargetNames', () => {
  test('accepts host names', () => {
    expect(validateTargetNames(['test1', 'Test-2', 'a'])).toEqual(['test1', 'Test-2', 'a'])
  })

  test.each([
    [[], 'no targets: give a count of at least 1 or an infrastructure model with targets'],
    [['test_1'], 'invalid target name "test_1": a target name must be a host name (letters, digits and -, at most 63)'],
    [['-x'], 'invalid target name "-x": a target name must be a host name (letters, digits and -, at most 63)'],
    [['a b'], 'invalid target name "a b": a target name must be a host name (letters, digits and -, at most 63)'],
    [['ssh'], 'invalid target name "ssh": the name is reserved by the test network'],
    [['coordinator'], 'invalid target name "coordinator": the name is reserved by the test network'],
    [['t1', 't1'], 'duplicate target name "t1"'],
    [countedTargetNames(241), 'too many targets (241): at most 240 fit into one /24'],
  ])('rejects %j', (names, message) => {
    expect(() => validateTargetNames(names)).toThrow(message)
  })
})

describe('addresses and slots', () => {
  test('counted targets are testtarget1..N at .11, .12, ...', () => {
    expect(countedTargetNames(2)).toEqual(['testtarget1', 'testtarget2'])
    expect(targetAddress('10.233.0', 1)).toBe('10.233.0.11')
    expect(targetAddress('10.233.0', 240)).toBe('10.233.0.250')
  })

  test('a target keeps its MAC address across restarts: made of its address, locally administered, one per slot', () => {
    expect(targetMac('10.233.0', 1)).toBe('02:0a:e9:00:0b:01')
    expect(targetMac('10.233.0', 1)).toBe(targetMac('10.233.0', 1))
    expect(targetMac('10.233.0', 2)).not.toBe(targetMac('10.233.0', 1))
    expect(targetMac('10.233.1', 1)).not.toBe(targetMac('10.233.0', 1))
  })

  test('known targets keep their slot; new ones take the lowest free slot', () => {
    const previous = [
      { name: 'a', slot: 1 },
      { name: 'b', slot: 2 },
      { name: 'c', slot: 3 },
    ]
    expect(assignSlots(['c', 'x', 'a', 'y'], previous)).toEqual([
      { name: 'c', slot: 3 },
      { name: 'x', slot: 2 },
      { name: 'a', slot: 1 },
      { name: 'y', slot: 4 },
    ])
  })
})
