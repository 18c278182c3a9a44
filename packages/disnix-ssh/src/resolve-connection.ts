import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { parseSshConfig, settingsForHost, type SshSetting } from './ssh-config.js'
import { parseSshOpts, splitSshOpts } from './ssh-options.js'

export type StrictHostKeyChecking = 'yes' | 'no' | 'accept-new'

/** Everything needed to open (and to identify) one SSH connection. Plain data: it is passed to the master process as JSON. */
export interface ConnectionParams {
  /** The target as given on the command line, for messages. */
  target: string
  /** The host name as typed (the name `Host` patterns match). */
  host: string
  /** The address to connect to (`HostName`, default: host). */
  hostName: string
  port: number
  user: string
  identityFiles: string[]
  identitiesOnly: boolean
  agentSocket?: string
  userKnownHostsFiles: string[]
  globalKnownHostsFiles: string[]
  strictHostKeyChecking: StrictHostKeyChecking
  connectTimeoutMs: number
  hostKeyAlias?: string
  serverAliveIntervalMs: number
  serverAliveCountMax: number
}

export interface ResolveConnectionInput {
  /** `host`, `host:port`, `[ipv6]:port`, optionally with `user@`. */
  target: string
  /** `SSH_USER`. */
  sshUser?: string
  /** `SSH_OPTS`, word-split like the original. */
  sshOpts?: string
  /** The local user name (default remote user, `%u`). */
  localUser: string
  home: string
  /** `SSH_AUTH_SOCK`. */
  agentSocket?: string
  /** Defaults to `~/.ssh/config`; `-F` in SSH_OPTS replaces it and the system file, as with ssh. */
  userConfigFile?: string
  /** Defaults to `/etc/ssh/ssh_config`. */
  systemConfigFile?: string
}

export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 10
/**
 * Keep-alives are on by default: a target whose link goes down is noticed after about
 * ServerAliveInterval × ServerAliveCountMax (10 s), also on an idle shared connection or while a
 * command runs. `ServerAliveInterval 0` (ssh config or SSH_OPTS) turns them off, as with ssh.
 */
export const DEFAULT_SERVER_ALIVE_INTERVAL_SECONDS = 2
export const DEFAULT_SERVER_ALIVE_COUNT_MAX = 5

/** Resolves a target plus SSH_USER/SSH_OPTS/ssh config into connection parameters, the way ssh does. */
export function resolveConnection(input: ResolveConnectionInput): ConnectionParams {
  const cmdline = parseSshOpts(splitSshOpts(input.sshOpts))
  const parsed = parseTarget(input.target)
  const configFiles =
    cmdline.configFile === undefined
      ? [input.userConfigFile ?? join(input.home, '.ssh', 'config'), input.systemConfigFile ?? '/etc/ssh/ssh_config']
      : cmdline.configFile === 'none'
        ? []
        : [expandTilde(cmdline.configFile, input.home)]
  const settings: SshSetting[] = [...cmdline.settings]
  for (const [index, file] of configFiles.entries()) {
    const text = readConfig(file, cmdline.configFile !== undefined && index === 0)
    if (text !== undefined) settings.push(...settingsForHost(parseSshConfig(text, file), parsed.host))
  }
  return buildParams(input, parsed, settings)
}

/** Splits `user@host:port` / `[v6]:port`; the port must be a number from 1 to 65535. */
export function parseTarget(target: string): { user?: string; host: string; port?: number } {
  let rest = target
  let user: string | undefined
  const at = rest.lastIndexOf('@')
  if (at > 0) {
    user = rest.slice(0, at)
    rest = rest.slice(at + 1)
  }
  let host = rest
  let portText: string | undefined
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(rest)
  if (bracket) {
    host = bracket[1]!
    portText = bracket[2]
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    ;[host, portText] = rest.split(':') as [string, string]
  }
  if (host === '' || /\s/.test(host)) throw new DisnixError('TARGET_INVALID', `ERROR: invalid target address '${target}'`)
  if (portText === undefined) return { user, host }
  return { user, host, port: parsePort(portText, `the target address '${target}'`) }
}

function buildParams(
  input: ResolveConnectionInput,
  target: { user?: string; host: string; port?: number },
  settings: readonly SshSetting[],
): ConnectionParams {
  const first = (keyword: string): SshSetting | undefined => settings.find((s) => s.keyword === keyword)
  const hostName = first('hostname')?.value.replaceAll('%h', target.host).replaceAll('%%', '%') ?? target.host
  const portSetting = first('port')
  const port = target.port ?? (portSetting ? parsePort(portSetting.value, portSetting.source) : 22)
  // The target's user@ and SSH_OPTS' -l/-o User come first (ssh: command line first), then SSH_USER (the
  // original's user@ prefix), then the config file, then the local user.
  const cmdlineUser = settings.find((s) => s.keyword === 'user' && s.source.startsWith('SSH_OPTS'))
  const user = target.user ?? cmdlineUser?.value ?? nonEmpty(input.sshUser) ?? first('user')?.value ?? input.localUser
  const expand = (value: string): string =>
    expandTilde(
      value.replace(/%([%hupdnr])/g, (_, t: string) =>
        t === '%' ? '%' : t === 'h' ? hostName : t === 'u' ? input.localUser : t === 'p' ? String(port) : t === 'd' ? input.home : t === 'n' ? target.host : user,
      ),
      input.home,
    )
  const identities = settings.filter((s) => s.keyword === 'identityfile').map((s) => expand(s.value))
  const defaults = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => join(input.home, '.ssh', n))
  const strict = first('stricthostkeychecking')
  const timeout = first('connecttimeout')
  const alive = first('serveraliveinterval')
  const aliveCount = first('serveralivecountmax')
  const unsupported = settings.find((s) => s.keyword === 'proxycommand' || s.keyword === 'proxyjump')
  if (unsupported && unsupported.value.toLowerCase() !== 'none') {
    throw new DisnixError('SSH_OPTS_INVALID', `ERROR: ${unsupported.keyword} (${unsupported.source}) is not supported by disnix-ssh-client`)
  }
  return {
    target: input.target,
    host: target.host,
    hostName,
    port,
    user,
    identityFiles: identities.length > 0 ? identities : defaults,
    identitiesOnly: yesNo(first('identitiesonly')) ?? false,
    agentSocket: nonEmpty(first('identityagent')?.value === 'none' ? undefined : input.agentSocket),
    userKnownHostsFiles: fileList(first('userknownhostsfile'), ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'], expand),
    globalKnownHostsFiles: fileList(first('globalknownhostsfile'), ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'], expand),
    strictHostKeyChecking: parseStrict(strict),
    connectTimeoutMs: (timeout ? parseSeconds(timeout) : DEFAULT_CONNECT_TIMEOUT_SECONDS) * 1000,
    hostKeyAlias: first('hostkeyalias')?.value,
    serverAliveIntervalMs: (alive ? parseSeconds(alive) : DEFAULT_SERVER_ALIVE_INTERVAL_SECONDS) * 1000,
    serverAliveCountMax: aliveCount ? parseSeconds(aliveCount) : DEFAULT_SERVER_ALIVE_COUNT_MAX,
  }
}

function readConfig(file: string, explicit: boolean): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if (!explicit && hasErrorCode(error, 'ENOENT')) return undefined
    throw new DisnixError('SSH_CONFIG_UNREADABLE', `ERROR: cannot read ssh config file ${file}: ${(error as Error).message}`)
  }
}

function fileList(setting: SshSetting | undefined, defaults: string[], expand: (v: string) => string): string[] {
  const words = setting ? setting.value.split(/\s+/).filter((w) => w !== '') : defaults
  if (words.length === 1 && words[0]!.toLowerCase() === 'none') return []
  return words.map(expand)
}

function parseStrict(setting: SshSetting | undefined): StrictHostKeyChecking {
  const value = (setting?.value ?? 'ask').toLowerCase()
  if (value === 'yes' || value === 'ask' || value === 'true') return 'yes'
  if (value === 'no' || value === 'off' || value === 'false') return 'no'
  if (value === 'accept-new') return 'accept-new'
  throw new DisnixError('SSH_OPTS_INVALID', `ERROR: bad StrictHostKeyChecking value '${setting!.value}' (${setting!.source}); expected yes, no or accept-new`)
}

function yesNo(setting: SshSetting | undefined): boolean | undefined {
  if (!setting) return undefined
  return setting.value.toLowerCase() === 'yes'
}

function parsePort(text: string, where: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw new DisnixError('TARGET_INVALID', `ERROR: bad port '${text}' in ${where}`)
  return n
}

function parseSeconds(setting: SshSetting): number {
  if (!/^\d+$/.test(setting.value)) {
    throw new DisnixError('SSH_OPTS_INVALID', `ERROR: bad ${setting.keyword} value '${setting.value}' (${setting.source}); expected seconds`)
  }
  return Number(setting.value)
}

function expandTilde(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
