import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { testDir } from '@disnix-ts/test-utils'
import { execa } from 'execa'
import { describe, expect, test } from 'vitest'
import { checkHostKey, keyFingerprint, knownHostsLine, knownHostsName, parseKnownHosts, sshKeyType } from './known-hosts.js'

async function keyPair(dir: string, name: string): Promise<{ key: Buffer; type: string; fingerprint: string }> {
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)])
  const [type, base64] = (await readFile(join(dir, `${name}.pub`), 'utf8')).split(' ') as [string, string]
  const fingerprint = (await execa('ssh-keygen', ['-l', '-f', join(dir, `${name}.pub`)])).stdout.split(' ')[1]!
  return { key: Buffer.from(base64, 'base64'), type, fingerprint }
}

describe('known_hosts', () => {
  test('matches plain, bracketed-port, comma-separated and wildcard names; HostKeyAlias as is', async () => {
    const dir = await testDir()
    const a = await keyPair(dir, 'a')
    const line = (names: string) => `${names} ${a.type} ${a.key.toString('base64')}`
    const entries = parseKnownHosts([line('other,box'), line('[10.0.0.1]:2222'), line('*.lan,!bad.lan'), line('alias')].join('\n'), 'kh')
    expect(checkHostKey(entries, knownHostsName('box', 22), a.key).status).toBe('known')
    expect(checkHostKey(entries, knownHostsName('10.0.0.1', 2222), a.key).status).toBe('known')
    expect(checkHostKey(entries, knownHostsName('10.0.0.1', 22), a.key).status).toBe('unknown')
    expect(checkHostKey(entries, knownHostsName('x.lan', 22), a.key).status).toBe('known')
    expect(checkHostKey(entries, knownHostsName('bad.lan', 22), a.key).status).toBe('unknown')
    expect(checkHostKey(entries, knownHostsName('10.0.0.9', 2222, 'alias'), a.key).status).toBe('known')
  })

  test('matches hashed entries written by ssh-keygen -H', async () => {
    const dir = await testDir()
    const a = await keyPair(dir, 'a')
    await writeFile(join(dir, 'kh'), `box ${a.type} ${a.key.toString('base64')}\n[box]:2200 ${a.type} ${a.key.toString('base64')}\n`)
    await execa('ssh-keygen', ['-H', '-f', join(dir, 'kh')])
    const entries = parseKnownHosts(await readFile(join(dir, 'kh'), 'utf8'), 'kh')
    expect(entries.every((e) => e.names.startsWith('|1|'))).toBe(true)
    expect(checkHostKey(entries, 'box', a.key).status).toBe('known')
    expect(checkHostKey(entries, '[box]:2200', a.key).status).toBe('known')
    expect(checkHostKey(entries, 'box2', a.key).status).toBe('unknown')
  })

  test('a different key of the same type is a change, with the file and line; @revoked always wins', async () => {
    const dir = await testDir()
    const a = await keyPair(dir, 'a')
    const b = await keyPair(dir, 'b')
    const text = `# comment\n\nbox ${a.type} ${a.key.toString('base64')}\n@cert-authority * ${b.type} ${b.key.toString('base64')}\n`
    const changed = checkHostKey(parseKnownHosts(text, '/kh'), 'box', b.key)
    expect(changed).toMatchObject({ status: 'changed', entry: { file: '/kh', line: 3 } })
    const revoked = parseKnownHosts(`${text}@revoked * ${a.type} ${a.key.toString('base64')}\n`, '/kh')
    expect(checkHostKey(revoked, 'box', a.key)).toMatchObject({ status: 'revoked', entry: { line: 5 } })
  })

  test('fingerprints and key types are those ssh-keygen prints', async () => {
    const dir = await testDir()
    const a = await keyPair(dir, 'a')
    expect(keyFingerprint(a.key)).toBe(a.fingerprint)
    expect(sshKeyType(a.key)).toBe('ssh-ed25519')
  })

  test('written lines (plain and hashed) are read back', async () => {
    const dir = await testDir()
    const a = await keyPair(dir, 'a')
    const entries = parseKnownHosts(`${knownHostsLine('[h]:2', a.key)}\n${knownHostsLine('h', a.key, true)}\n`, 'kh')
    expect(checkHostKey(entries, '[h]:2', a.key).status).toBe('known')
    expect(checkHostKey([entries[1]!], 'h', a.key).status).toBe('known')
    // ssh-keygen agrees that the hashed line names h.
    await writeFile(join(dir, 'kh'), `${knownHostsLine('h', a.key, true)}\n`)
    expect((await execa('ssh-keygen', ['-F', 'h', '-f', join(dir, 'kh')])).stdout).toContain('found: line 1')
  })
})
