import { validateNetworkConfig, netnsName, targetAddress, targetPaths, type NetworkConfig } from './network-config.js'
import { effectiveConfig, readNetworkState } from './network-state.js'
import { isOurInit, readInitRecord, targetPid1 } from './target-process.js'
import { exists } from './testnet-down.js'

export interface TargetStatus {
  name: string
  address: string
  root: string
  netns: string
  running: boolean
  /** Host PID of the target's PID 1 while it runs. */
  pid1?: number
}

export interface TestnetStatus {
  config: NetworkConfig
  /** False when `up` never ran in this dir. */
  known: boolean
  bridgeUp: boolean
  targets: TargetStatus[]
}

/** What runs in the network of `config.dir` (settings as recorded by `up`). */
export async function testnetStatus(config: NetworkConfig): Promise<TestnetStatus> {
  validateNetworkConfig(config)
  const state = await readNetworkState(config.dir)
  const cfg = effectiveConfig(config, state)
  const targets = await Promise.all(
    (state?.targets ?? []).map(async (t): Promise<TargetStatus> => {
      const record = await readInitRecord(targetPaths(cfg.dir, t.name).initPid)
      const running = await isOurInit(record)
      const pid1 = running && record ? await targetPid1(record) : undefined
      return {
        name: t.name,
        address: targetAddress(cfg.net, t.slot),
        root: targetPaths(cfg.dir, t.name).root,
        netns: netnsName(cfg.nsPrefix, t.name),
        running: running && pid1 !== undefined,
        ...(pid1 === undefined ? {} : { pid1 }),
      }
    }),
  )
  return { config: cfg, known: state !== undefined, bridgeUp: await exists(`/sys/class/net/${cfg.bridge}`), targets }
}
