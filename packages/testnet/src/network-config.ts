import { join } from 'node:path'
import { DisnixError } from '@disnix-ts/libmain'

/** Where a test network lives and how its pieces are named; several networks differ in all four. */
export interface NetworkConfig {
  /** State dir: keys, ssh config, hosts file and one dir per target (its private root). */
  dir: string
  /** First three octets of the private /24, e.g. `10.233.0`. */
  net: string
  /** Bridge in the host network namespace (the coordinator's side of the test LAN). */
  bridge: string
  /** Prefix of the targets' network namespace names. */
  nsPrefix: string
}

export const DEFAULT_TESTNET_DIR = '/var/lib/disnix-testnet'
export const DEFAULT_TESTNET_NET = '10.233.0'
export const DEFAULT_TESTNET_BRIDGE = 'tnbr0'
export const DEFAULT_TESTNET_NSPREFIX = 'tn-'

/** Targets get `<net>.11` .. `<net>.250`; `.1` is the bridge (the coordinator). */
export const MAX_TARGETS = 240
const FIRST_HOST_OCTET = 10

/**
 * The bridge name is at most 11 characters because host-side veths are named `<bridge>v<slot>` and
 * Linux interface names are at most 15 (testnet.md pitfall 23: truncating them made parallel
 * networks collide).
 */
export const MAX_BRIDGE_NAME = 11

const RESERVED_NAMES = new Set(['ssh', 'coordinator', 'localhost'])

/** Checks the four settings once; everything downstream trusts them. */
export function validateNetworkConfig(config: NetworkConfig): NetworkConfig {
  if (!config.dir.startsWith('/')) invalid(`the state dir must be an absolute path: ${config.dir}`)
  // SSH_OPTS is split at white space and ssh_config values would need quoting: keep paths plain.
  if (/[\s"'\\]/.test(config.dir)) invalid(`the state dir must not contain white space, quotes or backslashes: ${JSON.stringify(config.dir)}`)
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(config.net)
  if (!octets || octets.slice(1).some((o) => Number(o) > 255)) {
    invalid(`invalid network ${JSON.stringify(config.net)}: expected the first three octets of a /24, e.g. 10.233.0`)
  }
  if (!/^[A-Za-z0-9_-]+$/.test(config.bridge) || config.bridge.length > MAX_BRIDGE_NAME) {
    invalid(`invalid bridge name ${JSON.stringify(config.bridge)}: use at most ${MAX_BRIDGE_NAME} letters, digits, - or _`)
  }
  if (!/^[A-Za-z0-9_.-]{0,32}$/.test(config.nsPrefix)) {
    invalid(`invalid netns prefix ${JSON.stringify(config.nsPrefix)}: use at most 32 letters, digits, ., - or _`)
  }
  return config
}

/**
 * Target names become host names, directory names and netns names, so they must be plain host
 * names (an infrastructure model's attribute names usually are).
 */
export function validateTargetNames(names: readonly string[]): string[] {
  if (names.length === 0) invalid('no targets: give a count of at least 1 or an infrastructure model with targets')
  if (names.length > MAX_TARGETS) invalid(`too many targets (${names.length}): at most ${MAX_TARGETS} fit into one /24`)
  const seen = new Set<string>()
  for (const name of names) {
    if (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(name)) {
      invalid(`invalid target name ${JSON.stringify(name)}: a target name must be a host name (letters, digits and -, at most 63)`)
    }
    if (RESERVED_NAMES.has(name.toLowerCase())) invalid(`invalid target name ${JSON.stringify(name)}: the name is reserved by the test network`)
    if (seen.has(name)) invalid(`duplicate target name ${JSON.stringify(name)}`)
    seen.add(name)
  }
  return [...names]
}

/** `testtarget1` .. `testtargetN`, the names testnet.md and the original's tests use. */
export function countedTargetNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `testtarget${i + 1}`)
}

/** The address of the target in `slot` (1-based, stable across re-creation). */
export function targetAddress(net: string, slot: number): string {
  return `${net}.${FIRST_HOST_OCTET + slot}`
}

/**
 * The MAC address of the target's eth0: stable across restarts, as a real machine keeps its network
 * card, so that the coordinator's neighbour cache still holds when a target comes back (a new address
 * would leave the old one cached, and connections would wait seconds for the cache to notice).
 * Locally administered (02:), made of the address's octets.
 */
export function targetMac(net: string, slot: number): string {
  const octets = targetAddress(net, slot).split('.').map((o) => Number(o).toString(16).padStart(2, '0'))
  return ['02', ...octets, '01'].join(':')
}

export function bridgeAddress(net: string): string {
  return `${net}.1`
}

export function vethName(bridge: string, slot: number): string {
  return `${bridge}v${slot}`
}

export function netnsName(nsPrefix: string, target: string): string {
  return `${nsPrefix}${target}`
}

/** Host paths of the network-wide files. */
export function networkPaths(dir: string) {
  const ssh = join(dir, 'ssh')
  return {
    stateFile: join(dir, 'network.json'),
    sshDir: ssh,
    identityFile: join(ssh, 'id_ed25519'),
    knownHosts: join(ssh, 'known_hosts'),
    sshConfig: join(ssh, 'config'),
    hostsFile: join(dir, 'hosts'),
  }
}

/** Host paths of one target; `root` holds what the target sees as /nix, /var/log, /tmp, ... */
export function targetPaths(dir: string, name: string) {
  const base = join(dir, name)
  return {
    base,
    root: join(base, 'root'),
    etcSsh: join(base, 'etc-ssh'),
    etcNix: join(base, 'etc-nix'),
    hostname: join(base, 'hostname'),
    initPid: join(base, 'init.pid'),
    initLog: join(base, 'init.log'),
  }
}

function invalid(message: string): never {
  throw new DisnixError('TESTNET_INVALID', message)
}
