import { spawn } from 'node:child_process'
import { chmod, copyFile, mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { binDir, DisnixError, hasErrorCode, installRoot, silentProgress, type ProgressSink } from '@disnix-ts/libmain'
import { subnetOwners } from './allocate-network.js'
import { requireRoot } from './check-support.js'
import { addForwardRule, needsForwardRule } from './forward-rule.js'
import { ipBatch } from './ip-batch.js'
import {
  bridgeAddress,
  netnsName,
  networkPaths,
  targetAddress,
  targetMac,
  targetPaths,
  validateNetworkConfig,
  validateTargetNames,
  vethName,
  type NetworkConfig,
} from './network-config.js'
import { assignSlots, readNetworkState, writeNetworkState, type NetworkState } from './network-state.js'
import { ensureKeyPair, type HostEntry, hostsText, knownHostsText, nixConfText, sshConfigText, sshdConfigText } from './ssh-files.js'
import { TARGET_INIT_SCRIPT } from './target-init-script.js'
import { INSTALL_HOLD, targetFstabText } from './target-mounts.js'
import { delay, isOurInit, pidsInNetns, processStartTime, readInitRecord, writeInitRecord, type InitRecord } from './target-process.js'
import { exists, stopTargets } from './testnet-down.js'

export interface TestnetUpOptions {
  config: NetworkConfig
  /** Target names; the network ends up with exactly these (others are stopped). */
  targets: readonly string[]
  /** The disnix-ts installation made visible in every target at the same path (default: this one). */
  installRoot?: string
  /** Put first on the PATH of ssh sessions in the targets (default: the installation's bin/). */
  binDir?: string
  progress?: ProgressSink
  /** How long to wait for every target's sshd to accept connections. */
  readyTimeoutMs?: number
}

export interface TestnetTarget {
  name: string
  address: string
  /** Host path of the target's private root: `<root>/nix`, `<root>/var/log`, `<root>/tmp`, ... */
  root: string
  running: boolean
}

export interface TestnetInfo extends NetworkConfig {
  sshConfig: string
  knownHosts: string
  identityFile: string
  hostsFile: string
  targets: TestnetTarget[]
}

/** Host directories the targets mount over; they must exist as mount points (pitfall 3): /nix too, which a machine whose Nix never ran has not yet. */
const HOST_MOUNT_POINTS = ['/nix', '/var/state', '/var/lib/disnix', '/etc/dysnomia', '/etc/nix']
const TARGET_DIRS = ['nix', 'var/log', 'var/state', 'var/lib/disnix', 'etc/dysnomia', 'tmp', 'home/.ssh', 'run']

/**
 * Creates (or completes) the network of targets in `config.dir` as testnet.md §2–3 describes and
 * waits until every target's sshd accepts connections. Targets that already run are kept; targets
 * not in `targets` are stopped. Keys, stores and logs of a target survive re-creation.
 */
export async function testnetUp(options: TestnetUpOptions): Promise<TestnetInfo> {
  const config = validateNetworkConfig(options.config)
  const names = validateTargetNames(options.targets)
  requireRoot()
  const progress = options.progress ?? silentProgress
  const install = options.installRoot ?? installRoot()
  const bin = options.binDir ?? binDir()
  const paths = networkPaths(config.dir)

  const previous = await readNetworkState(config.dir)
  await checkSameSettings(config, previous)
  const slots = assignSlots(names, previous?.targets ?? [])
  const extra = (previous?.targets ?? []).filter((t) => !names.includes(t.name))
  if (extra.length > 0) {
    for (const name of await stopTargets(config, extra)) progress({ kind: 'message', target: name, text: 'stopped (not in the new set)' })
  }

  // Two bridges with one subnet would route targets to the wrong machine (and ssh would see changed keys).
  const owner = (await subnetOwners()).get(config.net)
  if (owner !== undefined && owner !== config.bridge) {
    throw new DisnixError('TESTNET_NET_IN_USE', `the network ${config.net}.0/24 is already used by ${owner}`, {
      hint: 'choose another one with --net (TESTNET_NET) and --bridge (TESTNET_BRIDGE)',
    })
  }
  await mkdir(paths.sshDir, { recursive: true, mode: 0o700 })
  await Promise.all(HOST_MOUNT_POINTS.map((d) => mkdir(d, { recursive: true })))
  const hosts = slots.map((t) => ({ name: t.name, address: targetAddress(config.net, t.slot) }))
  const clientKey = await ensureKeyPair(paths.identityFile, 'disnix-testnet-client')
  const hostKeys = await Promise.all(hosts.map((h) => prepareTarget(config.dir, h.name, clientKey, bin)))

  await writeNetworkFiles(config, hosts, hostKeys)

  const bridgeExists = await exists(`/sys/class/net/${config.bridge}`)
  const state: NetworkState = {
    net: config.net,
    bridge: config.bridge,
    nsPrefix: config.nsPrefix,
    targets: slots,
    ownsBridge: !bridgeExists || (previous?.bridge === config.bridge && previous.ownsBridge),
    forwardRule: previous?.forwardRule ?? false,
  }
  // Recorded before anything is created, so that `down` can clean up after a crash half-way.
  await writeNetworkState(config.dir, state)

  const running = await Promise.all(slots.map(async (t) => isOurInit(await readInitRecord(targetPaths(config.dir, t.name).initPid))))
  const toStart = slots.filter((_, i) => !running[i])
  await removeStalePieces(config, toStart)
  await createLinks(config, bridgeExists, toStart)
  if (!state.forwardRule && (await needsForwardRule())) {
    await addForwardRule(config.bridge)
    await writeNetworkState(config.dir, { ...state, forwardRule: true })
  }

  const started = await Promise.all(
    toStart.map((t) => startTarget(config, t.name, targetAddress(config.net, t.slot), { hostsFile: paths.hostsFile, installRoot: install })),
  )
  try {
    await Promise.all(
      toStart.map((t, i) => waitForSshd(config.dir, t.name, targetAddress(config.net, t.slot), started[i]!, options.readyTimeoutMs ?? READY_TIMEOUT_MS)),
    )
  } catch (error) {
    await stopTargets(config, toStart)
    throw error
  }
  slots.forEach((t, i) => progress({ kind: 'message', target: t.name, text: running[i] ? 'already up' : `up at ${targetAddress(config.net, t.slot)}` }))
  // A restarted target keeps its profiles but runs none of its services (as a rebooted machine).
  const redeployed = await Promise.all(toStart.map(async (t) => (await readdir(join(targetPaths(config.dir, t.name).root, 'nix/var/nix/profiles/disnix')).catch(() => [])).length > 0))
  const restarted = toStart.filter((_, i) => redeployed[i]).map((t) => t.name)
  if (restarted.length > 0) {
    progress({
      kind: 'message',
      text: `${restarted.join(', ')} restarted with a deployment whose services are not running; bring them back with: disnix-env --repair (or disnix-activate --repair MANIFEST)`,
    })
  }

  return {
    ...config,
    sshConfig: paths.sshConfig,
    knownHosts: paths.knownHosts,
    identityFile: paths.identityFile,
    hostsFile: paths.hostsFile,
    targets: hosts.map((h) => ({ ...h, root: targetPaths(config.dir, h.name).root, running: true })),
  }
}

/** The coordinator's view of the network: hosts file, known_hosts, ssh config. */
async function writeNetworkFiles(config: NetworkConfig, hosts: readonly HostEntry[], hostKeys: readonly string[]): Promise<void> {
  const paths = networkPaths(config.dir)
  // Written in place: running targets have this file bind-mounted and would not see a new inode
  // (pitfall 14).
  await writeFile(paths.hostsFile, hostsText(hosts, bridgeAddress(config.net)))
  await replaceFile(paths.knownHosts, knownHostsText(hosts.map((h, i) => ({ ...h, publicKey: hostKeys[i] ?? '' }))))
  await replaceFile(paths.sshConfig, sshConfigText(hosts, config.net, paths))
}

/** The bridge (if missing) and, per target to start, its netns and a veth pair with eth0 inside. */
async function createLinks(config: NetworkConfig, bridgeExists: boolean, toStart: NetworkState['targets']): Promise<void> {
  const lines = bridgeExists ? [] : [`link add name ${config.bridge} type bridge`]
  lines.push(`addr replace ${bridgeAddress(config.net)}/24 dev ${config.bridge}`, `link set ${config.bridge} up`)
  for (const t of toStart) {
    const ns = netnsName(config.nsPrefix, t.name)
    const veth = vethName(config.bridge, t.slot)
    lines.push(
      `netns add ${ns}`,
      `link add ${veth} type veth peer name eth0 address ${targetMac(config.net, t.slot)} netns ${ns}`,
      `link set ${veth} master ${config.bridge} up`,
    )
  }
  await ipBatch(lines, { step: `creating the network ${config.net}.0/24 on ${config.bridge}` })
}

/** A dir whose targets still run with other settings must be taken down before it changes them. */
async function checkSameSettings(config: NetworkConfig, previous: NetworkState | undefined): Promise<void> {
  if (!previous) return
  if (previous.net === config.net && previous.bridge === config.bridge && previous.nsPrefix === config.nsPrefix) return
  for (const t of previous.targets) {
    if (await isOurInit(await readInitRecord(targetPaths(config.dir, t.name).initPid))) {
      throw new DisnixError(
        'TESTNET_BUSY',
        `the network in ${config.dir} is up with net ${previous.net}, bridge ${previous.bridge} and netns prefix ${previous.nsPrefix}, not with the requested settings`,
        { hint: `disnix-testnet down --dir ${config.dir}` },
      )
    }
  }
}

/** Per-target state dirs and files; returns the target's public host key. */
async function prepareTarget(dir: string, name: string, clientKey: string, bin: string): Promise<string> {
  const p = targetPaths(dir, name)
  await Promise.all(TARGET_DIRS.map((d) => mkdir(join(p.root, d), { recursive: true })))
  await Promise.all([mkdir(p.etcSsh, { recursive: true }), mkdir(p.etcNix, { recursive: true })])
  await chmod(join(p.root, 'tmp'), 0o1777)
  // StrictModes refuses keys under a group/world-writable home (pitfall 6).
  await chmod(join(p.root, 'home'), 0o700)
  await chmod(join(p.root, 'home/.ssh'), 0o700)
  await writeFile(join(p.root, 'home/.ssh/authorized_keys'), clientKey, { mode: 0o600 })
  await writeFile(p.hostname, `${name}\n`)
  await writeFile(join(p.etcSsh, 'sshd_config'), sshdConfigText(name, bin))
  await writeFile(join(p.etcNix, 'nix.conf'), nixConfText())
  for (const file of ['ssh_config', 'moduli']) await copyIfExists(join('/etc/ssh', file), join(p.etcSsh, file))
  return ensureKeyPair(join(p.etcSsh, 'ssh_host_ed25519_key'), name)
}

/** Leftovers of a crashed run (a netns or veth without a running target) are removed first. */
async function removeStalePieces(config: NetworkConfig, targets: NetworkState['targets']): Promise<void> {
  const stale: NetworkState['targets'] = []
  for (const t of targets) {
    if ((await exists(`/run/netns/${netnsName(config.nsPrefix, t.name)}`)) || (await exists(`/sys/class/net/${vethName(config.bridge, t.slot)}`))) {
      stale.push(t)
    }
  }
  if (stale.length === 0) return
  const leftovers = await pidsInNetns(stale.map((t) => `/run/netns/${netnsName(config.nsPrefix, t.name)}`))
  if (leftovers.length > 0) {
    throw new DisnixError('TESTNET_BUSY', `processes ${leftovers.join(', ')} still run in the network namespaces of ${config.dir} without a target`, {
      hint: `disnix-testnet down --dir ${config.dir}`,
    })
  }
  await stopTargets(config, stale)
}

/** Starts the target's PID 1 in its own namespaces, detached from us (setsid), logging to init.log. */
async function startTarget(
  config: NetworkConfig,
  name: string,
  address: string,
  files: { hostsFile: string; installRoot: string },
): Promise<InitRecord> {
  const p = targetPaths(config.dir, name)
  await freshRun(p.root)
  await writeFile(join(p.base, 'fstab'), targetFstabText({ targetDir: p.base, ...files }))
  const log = await open(p.initLog, 'w')
  try {
    const child = spawn(
      'nsenter',
      [
        `--net=/run/netns/${netnsName(config.nsPrefix, name)}`,
        'unshare',
        '--mount',
        '--uts',
        '--ipc',
        '--pid',
        '--fork',
        '--kill-child',
        '--mount-proc',
        '--propagation',
        'private',
        'bash',
        '-c',
        TARGET_INIT_SCRIPT,
        'target-init',
        name,
        p.base,
        address,
        files.installRoot,
      ],
      { detached: true, stdio: ['ignore', log.fd, log.fd] },
    )
    child.unref()
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!))
      child.once('error', (error) =>
        reject(new DisnixError('TESTNET_START_FAILED', `cannot start target ${name}: ${error.message}`, { cause: error })),
      )
    })
    const startTime = await processStartTime(pid)
    if (startTime === undefined) throw startFailed(name, p.initLog, await readTail(p.initLog))
    const record = { pid, startTime }
    await writeInitRecord(p.initPid, record)
    return record
  } finally {
    await log.close()
  }
}

/**
 * /run is volatile on a real machine: a restarted target starts with an empty one, holding only
 * sshd's privilege separation dir (pitfall 5) and the mount point where the installation waits.
 */
async function freshRun(root: string): Promise<void> {
  const run = join(root, 'run')
  await rm(run, { recursive: true, force: true })
  await mkdir(join(run, 'sshd'), { recursive: true, mode: 0o755 })
  await mkdir(join(run, INSTALL_HOLD.slice('/run/'.length)))
}

/**
 * Waits for the sshd pid file (sshd writes it once it listens), then confirms with one TCP connect.
 * Connecting earlier would start ARP for an address that is not configured yet, and the failed
 * neighbour entry would delay the next attempts by a second.
 */
/** How long a starting target's sshd may take to accept connections (a loaded machine is slow). */
const READY_TIMEOUT_MS = 30_000

async function waitForSshd(dir: string, name: string, address: string, record: InitRecord, timeoutMs: number): Promise<void> {
  const p = targetPaths(dir, name)
  const pidFile = join(p.root, 'run', 'sshd.pid')
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if ((await exists(pidFile)) && (await tcpOpen(address, 22, 1000))) return
    if (!(await isOurInit(record))) throw startFailed(name, p.initLog, await readTail(p.initLog))
    if (Date.now() > deadline) {
      const sshdLog = join(p.root, 'var/log/sshd.log')
      const logs = [`init.log: ${await readTail(p.initLog)}`, `sshd.log: ${await readTail(sshdLog)}`].join('\n')
      throw new DisnixError('TESTNET_START_FAILED', `target ${name}: sshd did not accept connections on ${address}:22 within ${timeoutMs} ms\n${logs}`, {
        hint: `see ${p.initLog} and ${sshdLog}`,
      })
    }
    await delay(5)
  }
}

function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

function startFailed(name: string, log: string, tail: string): DisnixError {
  return new DisnixError('TESTNET_START_FAILED', `target ${name} stopped while starting${tail ? `:\n${tail}` : ''}`, {
    hint: `see ${log}`,
  })
}

async function readTail(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim().split('\n').slice(-20).join('\n')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return ''
    throw error
  }
}

async function copyIfExists(from: string, to: string): Promise<void> {
  try {
    await copyFile(from, to)
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT')) throw error
  }
}

async function replaceFile(file: string, text: string): Promise<void> {
  await writeFile(`${file}.new`, text)
  await rename(`${file}.new`, file)
}
