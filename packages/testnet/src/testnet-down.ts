import { access, rm } from 'node:fs/promises'
import { hasErrorCode } from '@disnix-ts/libmain'
import { removeForwardRule } from './forward-rule.js'
import { ipBatch } from './ip-batch.js'
import { netnsName, targetPaths, validateNetworkConfig, vethName, type NetworkConfig } from './network-config.js'
import { effectiveConfig, readNetworkState, writeNetworkState, type NetworkState } from './network-state.js'
import { isOurInit, pidsInNetns, procStat, readInitRecord, targetPid1, waitForDeath } from './target-process.js'

const DEATH_TIMEOUT_MS = 10_000

export interface TestnetDownResult {
  /** Targets that were running and have been stopped. */
  stopped: string[]
}

/**
 * Stops every target of the network in `config.dir`, removes its veths, netns, bridge (when `up`
 * created it) and FORWARD rule. The targets' state dirs stay: the next `up` finds their stores,
 * logs and host keys again. Running it twice is harmless.
 */
export async function testnetDown(config: NetworkConfig): Promise<TestnetDownResult> {
  validateNetworkConfig(config)
  const state = await readNetworkState(config.dir)
  // No state file: `up` never got as far as creating anything in this dir.
  if (!state) return { stopped: [] }
  const cfg = effectiveConfig(config, state)
  const removeBridge = state.ownsBridge && (await exists(`/sys/class/net/${cfg.bridge}`))
  const stopped = await stopTargets(cfg, state.targets, removeBridge ? [`link del ${cfg.bridge}`] : [])
  if (state.forwardRule) await removeForwardRule(cfg.bridge)
  await writeNetworkState(config.dir, { ...state, forwardRule: false })
  return { stopped }
}

/**
 * Stops the given targets: SIGKILL to the target's PID 1 (the kernel then kills everything in its
 * PID namespace) and to our `unshare`, both only after checking they are the processes we started;
 * then anything else left in the target's netns, then the veth (synchronously, pitfall 13) and the
 * netns.
 */
export async function stopTargets(config: NetworkConfig, targets: NetworkState['targets'], alsoRemove: readonly string[] = []): Promise<string[]> {
  const killed = await Promise.all(targets.map((t) => killTarget(config, t.name)))
  const stopped = targets.filter((_, i) => killed[i]).map((t) => t.name)
  // Whatever else entered a target's netns (an `ip netns exec` of a user) would keep it alive.
  const netnsFiles = targets.map((t) => `/run/netns/${netnsName(config.nsPrefix, t.name)}`)
  for (const pid of await pidsInNetns(netnsFiles)) {
    const st = await procStat(pid)
    killQuietly(pid)
    if (st) await waitForDeath(pid, st.startTime, DEATH_TIMEOUT_MS)
  }
  const lines: string[] = []
  for (const target of targets) {
    const veth = vethName(config.bridge, target.slot)
    const ns = netnsName(config.nsPrefix, target.name)
    if (await exists(`/sys/class/net/${veth}`)) lines.push(`link del ${veth}`)
    if (await exists(`/run/netns/${ns}`)) lines.push(`netns del ${ns}`)
  }
  // One `ip` for all of it (and the bridge, when `down` removes it too).
  await ipBatch([...lines, ...alsoRemove], { force: true, step: 'removing the targets\' network interfaces' })
  await Promise.all(targets.map((t) => rm(targetPaths(config.dir, t.name).initPid, { force: true })))
  return stopped
}

/** Kills one target's PID 1 and our `unshare` and waits for both; false when it was not running. */
async function killTarget(config: NetworkConfig, name: string): Promise<boolean> {
  const record = await readInitRecord(targetPaths(config.dir, name).initPid)
  if (!record || !(await isOurInit(record))) return false
  const pid1 = await targetPid1(record)
  const pid1Start = pid1 === undefined ? undefined : (await procStat(pid1))?.startTime
  const waits: Array<Promise<boolean>> = []
  if (pid1 !== undefined && pid1Start !== undefined) {
    killQuietly(pid1)
    waits.push(waitForDeath(pid1, pid1Start, DEATH_TIMEOUT_MS))
  }
  killQuietly(record.pid)
  waits.push(waitForDeath(record.pid, record.startTime, DEATH_TIMEOUT_MS))
  await Promise.all(waits)
  return true
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch (error) {
    if (!hasErrorCode(error, 'ESRCH')) throw error
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return false
    throw error
  }
}
