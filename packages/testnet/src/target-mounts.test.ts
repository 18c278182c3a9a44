import { describe, expect, test } from 'vitest'
import { fstabEscape, targetFstabText } from './target-mounts.js'

describe('targetFstabText', () => {
  test('binds /run first, holds the installation there, and mounts /tmp last', () => {
    const text = targetFstabText({ targetDir: '/d/t1', hostsFile: '/d/hosts', installRoot: '/tmp/my checkout' })
    expect(text).toBe(
      [
        '/d/t1/root/run /run none bind 0 0',
        '/tmp/my\\040checkout /run/testnet-install none bind 0 0',
        '/d/t1/root/nix /nix none bind 0 0',
        '/d/t1/root/var/log /var/log none bind 0 0',
        '/d/t1/root/var/state /var/state none bind 0 0',
        '/d/t1/root/var/lib/disnix /var/lib/disnix none bind 0 0',
        '/d/t1/root/etc/dysnomia /etc/dysnomia none bind 0 0',
        '/d/t1/etc-nix /etc/nix none bind 0 0',
        '/d/t1/etc-ssh /etc/ssh none bind 0 0',
        '/d/hosts /etc/hosts none bind 0 0',
        '/d/t1/hostname /etc/hostname none bind 0 0',
        '/d/t1/root/home /root none bind 0 0',
        '/d/t1/root/tmp /tmp none bind 0 0',
        '',
      ].join('\n'),
    )
  })

  test('escapes white space and backslashes as fstab(5) octal', () => {
    expect(fstabEscape('a b\tc\nd\\e')).toBe('a\\040b\\011c\\012d\\134e')
  })
})
