import { describe, expect, test } from 'vitest'
import { parseSshOpts, splitSshOpts } from './ssh-options.js'

describe('parseSshOpts', () => {
  test('reads -p, -i, -l, -F and both -o forms in order', () => {
    const parsed = parseSshOpts(splitSshOpts(' -p 2222 -i /k/id -l bob -F /cfg -o StrictHostKeyChecking=no -oConnectTimeout=3 -o HostKeyAlias=x '))
    expect(parsed.configFile).toBe('/cfg')
    expect(parsed.settings.map((s) => [s.keyword, s.value])).toEqual([
      ['port', '2222'],
      ['identityfile', '/k/id'],
      ['user', 'bob'],
      ['stricthostkeychecking', 'no'],
      ['connecttimeout', '3'],
      ['hostkeyalias', 'x'],
    ])
  })

  test('accepts attached arguments and clusters of flags it ignores', () => {
    const parsed = parseSshOpts(['-qTx', '-p2200', '-4', '-oUser=alice'])
    expect(parsed.settings.map((s) => [s.keyword, s.value])).toEqual([
      ['port', '2200'],
      ['user', 'alice'],
    ])
  })

  test.each([
    [['-J', 'jump'], 'ERROR: SSH_OPTS: option -J is not supported by disnix-ssh-client'],
    [['-p'], 'ERROR: SSH_OPTS: option -p needs an argument'],
    [['-Z'], 'ERROR: SSH_OPTS: unknown option -Z'],
    [['host'], "ERROR: SSH_OPTS: unexpected argument 'host'"],
    [['-o', 'Port'], "ERROR: SSH_OPTS: bad -o option 'Port' (expected -o Key=Value)"],
  ])('refuses %j', (words, message) => {
    expect(() => parseSshOpts(words)).toThrow(message)
  })

  test('splits on any white space, without quote removal (like the unquoted $SSH_OPTS of the original)', () => {
    expect(splitSshOpts('\t-p  22\n-i "a"')).toEqual(['-p', '22', '-i', '"a"'])
    expect(splitSshOpts(undefined)).toEqual([])
  })
})
