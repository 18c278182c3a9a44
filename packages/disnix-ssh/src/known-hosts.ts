import { createHash, createHmac, randomBytes } from 'node:crypto'
import { matchPatternList } from './host-pattern.js'

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  file: string
  line: number
  marker?: 'revoked' | 'cert-authority'
  /** Comma-separated patterns, or one `|1|salt|hash` hashed name. */
  names: string
  keyType: string
  key: Buffer
}

export type HostKeyStatus =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'unknown' }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }

/** Parses known_hosts text (`sshd(8)` format); broken lines are skipped as ssh skips them. */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const words = line.split(/\s+/)
    let marker: KnownHostEntry['marker']
    if (words[0]!.startsWith('@')) {
      const m = words.shift()!
      if (m !== '@revoked' && m !== '@cert-authority') continue
      marker = m === '@revoked' ? 'revoked' : 'cert-authority'
    }
    const [names, keyType, base64] = words
    if (!names || !keyType || !base64 || !/^[A-Za-z0-9+/=]+$/.test(base64)) continue
    entries.push({ file, line: index + 1, marker, names, keyType, key: Buffer.from(base64, 'base64') })
  }
  return entries
}

/**
 * The name under which ssh records a host: `host` on port 22, `[host]:port` otherwise; a HostKeyAlias
 * is used as it is (OpenSSH does not add the port to an alias).
 */
export function knownHostsName(hostName: string, port: number, hostKeyAlias?: string): string {
  if (hostKeyAlias !== undefined) return hostKeyAlias
  return port === 22 ? hostName : `[${hostName}]:${port}`
}

/**
 * Checks a server key (SSH wire format) against known_hosts entries. A revoked key always fails; an
 * entry for the name with the same key makes it known; an entry for the name with the same key type but
 * another key means it changed. Certificate authorities are not supported and never vouch for a key.
 */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyStatus {
  const keyType = sshKeyType(key)
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(key))
  if (revoked) return { status: 'revoked', entry: revoked }
  const forName = entries.filter((e) => e.marker === undefined && nameMatches(e.names, name))
  const known = forName.find((e) => e.key.equals(key))
  if (known) return { status: 'known', entry: known }
  const changed = forName.find((e) => e.keyType === keyType)
  if (changed) return { status: 'changed', entry: changed }
  return { status: 'unknown' }
}

/** The key types known for a name, so the connection can prefer them (as ssh orders HostKeyAlgorithms). */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  return [...new Set(entries.filter((e) => e.marker === undefined && nameMatches(e.names, name)).map((e) => e.keyType))]
}

/** `SHA256:...` as ssh prints fingerprints. */
export function keyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

/** The key type named inside an SSH wire-format key (`ssh-ed25519`, `ssh-rsa`, ...). */
export function sshKeyType(key: Buffer): string {
  if (key.length < 4) return 'unknown'
  const len = key.readUInt32BE(0)
  return key.subarray(4, 4 + len).toString('latin1')
}

/** A known_hosts line for a key; hashed (`|1|salt|hash`) when asked, like `HashKnownHosts yes`. */
export function knownHostsLine(name: string, key: Buffer, hashed = false): string {
  const field = hashed ? hashName(name, randomBytes(20)) : name
  return `${field} ${sshKeyType(key)} ${key.toString('base64')}`
}

export function hashName(name: string, salt: Buffer): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
}

function nameMatches(names: string, name: string): boolean {
  if (names.startsWith('|1|')) {
    const [, , salt, hash] = names.split('|')
    if (!salt || !hash) return false
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash
  }
  return matchPatternList(names.split(','), name)
}
