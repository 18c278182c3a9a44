import { describe, expect, test } from 'vitest'
import { parseHostsList, uniqueCandidates } from './candidate-hosts.js'

const defaults = { clientInterface: 'disnix-ssh-client', targetProperty: 'hostname' }

describe('parseHostsList', () => {
  test('host names, hosts(5) lines (the name is used) and comments', () => {
    const hosts = parseHostsList('# machines\ntest1\n10.0.0.2 test2 alias2\n\n  test3   # the big one\ntest1\n', defaults)
    expect(hosts.map((h) => [h.name, h.address])).toEqual([
      ['test1', 'test1'],
      ['test2', 'test2'],
      ['test3', 'test3'],
    ])
  })

  test('something that is not a host name is an error naming the line', () => {
    expect(() => parseHostsList('test1\n$(reboot)\n', defaults, 'hosts.txt')).toThrow('hosts.txt: line 2: not a host name: $(reboot) (it names a target: ')
  })

  test('uniqueCandidates keeps the first candidate of a name', () => {
    const a = { name: 'test1', address: 'a', ...defaults }
    expect(uniqueCandidates([a, { ...a, address: 'b' }])).toEqual([a])
  })
})
