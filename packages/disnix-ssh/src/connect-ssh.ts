import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { hasErrorCode, type DisnixError } from '@disnix-ts/libmain'
import ssh2 from 'ssh2'
import type { AnyAuthMethod, Client as SshClient, ParsedKey } from 'ssh2'
import {
  checkHostKey,
  keyFingerprint,
  knownHostsLine,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  sshKeyType,
  type KnownHostEntry,
} from './known-hosts.js'
import { watchConnectionLoss } from './connection-loss.js'
import type { ConnectionParams } from './resolve-connection.js'
import { targetError, targetPrefix } from './target-error.js'

export interface ConnectSshOptions {
  /** Warnings for the user (an unverified or newly added host key). */
  onWarning?: (message: string) => void
}

// ssh2's default host key preference; known types are moved to the front as ssh does.
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']

/**
 * Opens an authenticated ssh2 connection: host key checked against known_hosts per
 * StrictHostKeyChecking, public-key auth with the agent and the identity files, and a connect timeout
 * covering TCP, handshake and authentication. Failures are DisnixErrors naming the target (exit 255).
 */
export async function connectSsh(params: ConnectionParams, options: ConnectSshOptions = {}): Promise<SshClient> {
  const warn = options.onWarning ?? (() => {})
  const entries = readKnownHosts([...params.userKnownHostsFiles, ...params.globalKnownHostsFiles])
  const name = knownHostsName(params.hostName, params.port, params.hostKeyAlias)
  const keys = loadIdentities(params.identityFiles)
  const client = new ssh2.Client()
  let hostKeyError: DisnixError | undefined

  const verify = (key: Buffer): boolean => {
    const status = checkHostKey(entries, name, key)
    const described = `${describeKeyType(sshKeyType(key))} key ${keyFingerprint(key)}`
    if (status.status === 'known') return true
    if (status.status === 'revoked') {
      hostKeyError = targetError(params, 'HOST_KEY_REVOKED', `the host key of ${name} (${described}) is REVOKED in ${status.entry.file}:${status.entry.line}; refusing to connect`)
      return false
    }
    if (status.status === 'changed') {
      const message = `WARNING: the host key of ${name} has CHANGED: the server offers ${described}, which does not match ${status.entry.file}:${status.entry.line}. Someone could be intercepting the connection, or the host key was replaced.`
      if (params.strictHostKeyChecking === 'no') {
        warn(`${targetPrefix(params)}${message} Connecting anyway because StrictHostKeyChecking=no.`)
        return true
      }
      hostKeyError = targetError(params, 'HOST_KEY_CHANGED', message, {
        hint: `if the change is expected, remove the old key with: ssh-keygen -R '${name}' -f ${status.entry.file}, then accept the new one after verifying its fingerprint`,
      })
      return false
    }
    if (params.strictHostKeyChecking === 'no') {
      warn(`${targetPrefix(params)}warning: accepting the unverified host key of ${name} (${described}) because StrictHostKeyChecking=no`)
      return true
    }
    if (params.strictHostKeyChecking === 'accept-new') {
      const file = params.userKnownHostsFiles[0]
      if (file !== undefined) addKnownHost(file, name, key)
      warn(`${targetPrefix(params)}warning: permanently added the host key of ${name} (${described}) to ${file ?? 'no known_hosts file'}`)
      return true
    }
    const userFile = params.userKnownHostsFiles[0] ?? '~/.ssh/known_hosts'
    const scanTarget = params.port === 22 ? params.hostName : `-p ${params.port} ${params.hostName}`
    hostKeyError = targetError(params, 'HOST_KEY_UNKNOWN', `the host key of ${name} is not known (${described}); it is not in ${[...params.userKnownHostsFiles, ...params.globalKnownHostsFiles].join(', ') || 'any known_hosts file'}`, {
      hint: `verify that fingerprint, then accept the key with: ssh-keyscan ${scanTarget} >> ${userFile}${params.hostKeyAlias ? ` (and replace the host name by '${params.hostKeyAlias}')` : ''}, or connect once with SSH_OPTS='-o StrictHostKeyChecking=accept-new'`,
    })
    return false
  }

  const knownTypes = knownKeyTypes(entries, name).flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]))
  const serverHostKey = [...knownTypes.filter((t) => HOST_KEY_ALGORITHMS.includes(t)), ...HOST_KEY_ALGORITHMS.filter((t) => !knownTypes.includes(t))]
  const methods: AnyAuthMethod[] = []
  if (params.agentSocket && !params.identitiesOnly) methods.push({ type: 'agent', username: params.user, agent: params.agentSocket })
  for (const key of keys.usable) methods.push({ type: 'publickey', username: params.user, key })

  return new Promise<SshClient>((resolve, reject) => {
    let settled = false
    client.once('ready', () => {
      settled = true
      client.setNoDelay(true)
      watchConnectionLoss(client, params)
      resolve(client)
    })
    // ssh2 can report several errors for one failed connection (a time-out, then "Connection lost
    // before handshake"), and more on a connection that later breaks; the first one before 'ready'
    // is the answer, the later ones end in 'close', which the sessions act on.
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      if (settled) return
      settled = true
      client.end()
      reject(hostKeyError ?? connectionError(params, error, keys))
    })
    try {
      client.connect({
        host: params.hostName,
        port: params.port,
        username: params.user,
        readyTimeout: params.connectTimeoutMs > 0 ? params.connectTimeoutMs : 0,
        keepaliveInterval: params.serverAliveIntervalMs,
        // ssh2 gives up after one more unanswered keep-alive than ssh does: ServerAliveCountMax means what it means for ssh.
        keepaliveCountMax: Math.max(0, params.serverAliveCountMax - 1),
        hostVerifier: verify,
        algorithms: { serverHostKey: serverHostKey as never },
        authHandler: methods.length > 0 ? methods : [{ type: 'none', username: params.user }],
      })
    } catch (error) {
      reject(targetError(params, 'SSH_CONNECT_FAILED', `cannot connect: ${(error as Error).message}`))
    }
  })
}

function connectionError(params: ConnectionParams, error: Error & { level?: string; code?: string }, keys: LoadedIdentities): DisnixError {
  const where = `${params.hostName} port ${params.port}`
  if (error.level === 'client-timeout') {
    return targetError(params, 'TARGET_UNREACHABLE', `unreachable: cannot connect to ${where}: no answer within ${params.connectTimeoutMs / 1000} s (ConnectTimeout)`)
  }
  if (error.level === 'client-authentication') {
    const tried = [...(params.agentSocket && !params.identitiesOnly ? ['the ssh agent'] : []), ...keys.usedFiles]
    const skipped = keys.skipped.length > 0 ? `; skipped ${keys.skipped.join(', ')}` : ''
    return targetError(params, 'SSH_AUTH_FAILED', `authentication failed for user '${params.user}' at ${where} (tried: ${tried.join(', ') || 'no keys'}${skipped})`, {
      hint: 'check SSH_USER, the identity file (-i in SSH_OPTS or IdentityFile) and the target\'s authorized_keys',
    })
  }
  switch (error.code) {
    case 'ECONNREFUSED':
      return targetError(params, 'TARGET_UNREACHABLE', `cannot connect to ${where}: connection refused`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return targetError(params, 'TARGET_UNKNOWN_HOST', `cannot resolve host name '${params.hostName}': unknown host`)
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return targetError(params, 'TARGET_UNREACHABLE', `unreachable: cannot connect to ${where}: ${error.code === 'ETIMEDOUT' ? 'timed out' : 'no route to host'}`)
    default:
      return targetError(params, 'SSH_CONNECT_FAILED', `ssh connection to ${where} failed: ${error.message}`)
  }
}

interface LoadedIdentities {
  usable: ParsedKey[]
  usedFiles: string[]
  skipped: string[]
}

function loadIdentities(files: readonly string[]): LoadedIdentities {
  const result: LoadedIdentities = { usable: [], usedFiles: [], skipped: [] }
  for (const file of files) {
    let data: Buffer
    try {
      data = readFileSync(file)
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT')) continue
      result.skipped.push(`${file} (${(error as Error).message})`)
      continue
    }
    const parsed = ssh2.utils.parseKey(data)
    const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed
    if (!key || key instanceof Error) {
      result.skipped.push(`${file} (${key instanceof Error ? key.message : 'no key'})`)
      continue
    }
    result.usable.push(key)
    result.usedFiles.push(file)
  }
  return result
}

function readKnownHosts(files: readonly string[]): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  for (const file of files) {
    try {
      entries.push(...parseKnownHosts(readFileSync(file, 'utf8'), file))
    } catch (error) {
      if (!hasErrorCode(error, 'ENOENT') && !hasErrorCode(error, 'EISDIR')) throw error
    }
  }
  return entries
}

function addKnownHost(file: string, name: string, key: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  appendFileSync(file, `${knownHostsLine(name, key)}\n`, { mode: 0o600 })
}

function describeKeyType(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519'
  if (type.startsWith('ecdsa-')) return 'ECDSA'
  if (type === 'ssh-rsa') return 'RSA'
  return type
}
