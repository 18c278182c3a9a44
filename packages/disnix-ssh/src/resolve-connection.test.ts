import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'
import { parseTarget, resolveConnection } from './resolve-connection.js'

const base = { localUser: 'me', home: '/home/me', systemConfigFile: '/nonexistent/ssh_config', userConfigFile: '/nonexistent/config' }

describe('parseTarget', () => {
  test.each([
    ['host', { host: 'host' }],
    ['host:2222', { host: 'host', port: 2222 }],
    ['bob@host:22', { user: 'bob', host: 'host', port: 22 }],
    ['[fe80::1]:2200', { host: 'fe80::1', port: 2200 }],
    ['[::1]', { host: '::1' }],
    ['fe80::1', { host: 'fe80::1' }],
  ])('%s', (target, expected) => {
    expect(parseTarget(target)).toEqual(expected)
  })
  test('a bad port is refused', () => {
    expect(() => parseTarget('host:99999')).toThrow("ERROR: bad port '99999' in the target address 'host:99999'")
    expect(() => parseTarget('host:x')).toThrow("bad port 'x'")
  })
})

describe('resolveConnection', () => {
  test('uses ssh defaults without any configuration', () => {
    expect(resolveConnection({ ...base, target: 'box' })).toEqual({
      target: 'box',
      host: 'box',
      hostName: 'box',
      port: 22,
      user: 'me',
      identityFiles: ['/home/me/.ssh/id_ed25519', '/home/me/.ssh/id_ecdsa', '/home/me/.ssh/id_rsa'],
      identitiesOnly: false,
      agentSocket: undefined,
      userKnownHostsFiles: ['/home/me/.ssh/known_hosts', '/home/me/.ssh/known_hosts2'],
      globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
      strictHostKeyChecking: 'yes',
      connectTimeoutMs: 10_000,
      hostKeyAlias: undefined,
      serverAliveIntervalMs: 2000,
      serverAliveCountMax: 5,
    })
  })

  test('reads the config file: matching Host blocks, negation, first value wins, tokens and ~', async () => {
    const dir = await testDir()
    const config = join(dir, 'config')
    await writeFile(
      config,
      [
        '# test config',
        'Host web? !web9',
        '  HostName %h.example.org',
        '  Port 2022',
        '  IdentityFile ~/.ssh/%u-%h',
        'Host web9',
        '  HostName nine.example.org',
        'Host *',
        '  Port 2023',
        '  User=deploy',
        '  IdentityFile "/keys/with space"',
        '  UserKnownHostsFile /kh/one /kh/two',
        '  GlobalKnownHostsFile none',
        '  StrictHostKeyChecking accept-new',
        '  ConnectTimeout 4',
        '  IdentitiesOnly yes',
        '  HostKeyAlias alias-%h',
        '  ServerAliveInterval 7',
        'Match host foo',
        '  Port 1',
      ].join('\n'),
    )
    const p = resolveConnection({ ...base, target: 'web1', sshOpts: `-F ${config}`, agentSocket: '/run/agent' })
    expect(p).toMatchObject({
      hostName: 'web1.example.org',
      port: 2022,
      user: 'deploy',
      identityFiles: ['/home/me/.ssh/me-web1.example.org', '/keys/with space'],
      identitiesOnly: true,
      userKnownHostsFiles: ['/kh/one', '/kh/two'],
      globalKnownHostsFiles: [],
      strictHostKeyChecking: 'accept-new',
      connectTimeoutMs: 4000,
      hostKeyAlias: 'alias-%h',
      serverAliveIntervalMs: 7000,
      agentSocket: '/run/agent',
    })
    const nine = resolveConnection({ ...base, target: 'web9', sshOpts: `-F ${config}` })
    expect(nine).toMatchObject({ hostName: 'nine.example.org', port: 2023 })
  })

  test('command-line options win over the config file; the target port wins over both', async () => {
    const dir = await testDir()
    const config = join(dir, 'config')
    await writeFile(config, 'Host *\n  Port 2023\n  User deploy\n  StrictHostKeyChecking yes\n')
    const opts = `-F ${config} -p 2200 -o StrictHostKeyChecking=no -l admin`
    expect(resolveConnection({ ...base, target: 'h', sshOpts: opts })).toMatchObject({ port: 2200, user: 'admin', strictHostKeyChecking: 'no' })
    expect(resolveConnection({ ...base, target: 'h:2300', sshOpts: opts })).toMatchObject({ port: 2300 })
  })

  test('SSH_USER comes after -l but before the config file; user@ in the target comes first', async () => {
    const dir = await testDir()
    const config = join(dir, 'config')
    await writeFile(config, 'User fromconfig\n')
    expect(resolveConnection({ ...base, target: 'h', sshUser: 'env', sshOpts: `-F ${config}` }).user).toBe('env')
    expect(resolveConnection({ ...base, target: 'h', sshOpts: `-F ${config}` }).user).toBe('fromconfig')
    expect(resolveConnection({ ...base, target: 'h', sshUser: 'env', sshOpts: `-F ${config} -l cli` }).user).toBe('cli')
    expect(resolveConnection({ ...base, target: 'bob@h', sshUser: 'env', sshOpts: '-l cli' }).user).toBe('bob')
  })

  test('~/.ssh/config is read unless -F is given; -F none reads nothing', async () => {
    const dir = await testDir()
    await writeFile(join(dir, 'config'), 'Port 2400\n')
    const home = { ...base, userConfigFile: join(dir, 'config') }
    expect(resolveConnection({ ...home, target: 'h' }).port).toBe(2400)
    expect(resolveConnection({ ...home, target: 'h', sshOpts: '-F none' }).port).toBe(22)
  })

  test.each([
    ['-o StrictHostKeyChecking=maybe', "ERROR: bad StrictHostKeyChecking value 'maybe' (SSH_OPTS -o); expected yes, no or accept-new"],
    ['-o ConnectTimeout=soon', "ERROR: bad connecttimeout value 'soon' (SSH_OPTS -o); expected seconds"],
    ['-o ProxyJump=gw', 'ERROR: proxyjump (SSH_OPTS -o) is not supported by disnix-ssh-client'],
    ['-F /nonexistent/cfg', 'ERROR: cannot read ssh config file /nonexistent/cfg'],
  ])('refuses SSH_OPTS %s', (sshOpts, message) => {
    expect(() => resolveConnection({ ...base, target: 'h', sshOpts })).toThrow(message)
  })
})
