import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allocateNetwork } from './allocate-network.js'
import { checkTestnetSupport, type SupportResult } from './check-support.js'
import { execInTarget, setTargetLink, type ExecInTargetOptions, type ExecResult } from './enter-target.js'
import { countedTargetNames, type NetworkConfig } from './network-config.js'
import { testnetDown } from './testnet-down.js'
import { testnetUp } from './testnet-up.js'

export interface TestnetHandle {
  dir: string
  /** `ssh -F <sshConfig> <target>` reaches a target by name. */
  sshConfig: string
  knownHosts: string
  identityFile: string
  /** /etc/hosts-format file with every target (the targets use it as their /etc/hosts). */
  hostsFile: string
  /** The value for SSH_OPTS: `-F <sshConfig>`. */
  sshOpts: string
  config: NetworkConfig
  targets: Array<{ name: string; address: string; root: string }>
  /** Runs argv inside a target (its namespaces, no ssh); never throws for a non-zero exit. */
  exec(target: string, argv: readonly string[], options?: ExecInTargetOptions): Promise<ExecResult>
  /** Kills the target's sshd listener: new connections are refused. */
  stopSshd(target: string): Promise<void>
  /** Starts the target's sshd again after stopSshd. */
  startSshd(target: string): Promise<void>
  /** eth0 down: the target is unreachable and connects time out. */
  linkDown(target: string): Promise<void>
  linkUp(target: string): Promise<void>
  /** Stops the network, releases its index and removes its state dir. */
  down(): Promise<void>
}

export type Testnet = TestnetHandle

export interface StartTestnetOptions {
  /** A count (`testtarget1..N`) or the target names. */
  targets: number | readonly string[]
}

/**
 * Starts a private test network for one test file: a free network index (so test files run in
 * parallel), a fresh state dir under the temp dir, the targets up and reachable over ssh.
 * Call `down()` in afterAll.
 */
export async function startTestnet(options: StartTestnetOptions): Promise<TestnetHandle> {
  const names = typeof options.targets === 'number' ? countedTargetNames(options.targets) : [...options.targets]
  const allocation = await allocateNetwork()
  const dir = await mkdtemp(join(tmpdir(), `disnix-testnet-${allocation.index}-`))
  const config: NetworkConfig = { dir, net: allocation.net, bridge: allocation.bridge, nsPrefix: allocation.nsPrefix }
  const down = async () => {
    try {
      await testnetDown(config)
    } finally {
      await allocation.release()
      await rm(dir, { recursive: true, force: true })
    }
  }
  let info
  try {
    info = await testnetUp({ config, targets: names })
  } catch (error) {
    await down()
    throw error
  }
  const exec = (target: string, argv: readonly string[], execOptions?: ExecInTargetOptions) => execInTarget(config, target, argv, execOptions)
  const mustSucceed = async (target: string, argv: readonly string[], what: string) => {
    const result = await exec(target, argv)
    if (result.exitCode !== 0) throw new Error(`target ${target}: ${what} failed (exit ${result.exitCode}): ${result.stderr}`)
  }
  return {
    dir,
    sshConfig: info.sshConfig,
    knownHosts: info.knownHosts,
    identityFile: info.identityFile,
    hostsFile: info.hostsFile,
    sshOpts: `-F ${info.sshConfig}`,
    config,
    targets: info.targets.map(({ name, address, root }) => ({ name, address, root })),
    exec,
    // Only the listener (its pid file); sessions already open stay, as on a real machine.
    stopSshd: (target) => mustSucceed(target, ['sh', '-c', 'kill "$(cat /run/sshd.pid)" && while [ -e /run/sshd.pid ]; do sleep 0.01; done'], 'stopping sshd'),
    startSshd: (target) => mustSucceed(target, ['/usr/sbin/sshd', '-E', '/var/log/sshd.log'], 'starting sshd'),
    linkDown: (target) => setTargetLink(config, target, false),
    linkUp: (target) => setTargetLink(config, target, true),
    down,
  }
}

/** Whether test networks can be created here; `reason` is the skip message when not. */
export function testnetAvailable(): Promise<SupportResult> {
  return checkTestnetSupport()
}
