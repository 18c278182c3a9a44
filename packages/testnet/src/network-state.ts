import { readFile, rename, writeFile } from 'node:fs/promises'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { networkPaths, type NetworkConfig } from './network-config.js'

/**
 * What `up` recorded in `<dir>/network.json`: the settings the network was created with (so `down`,
 * `status` and `exec` work without repeating them) and each target's address slot (stable, so a
 * target keeps its address and host key entry when others are added or removed).
 */
export interface NetworkState {
  net: string
  bridge: string
  nsPrefix: string
  targets: Array<{ name: string; slot: number }>
  /** True when `up` created the bridge (then `down` removes it; a bridge made by others stays). */
  ownsBridge: boolean
  /** True when `up` inserted the FORWARD accept rule of testnet.md pitfall 21. */
  forwardRule: boolean
}

export async function readNetworkState(dir: string): Promise<NetworkState | undefined> {
  const file = networkPaths(dir).stateFile
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined
    throw error
  }
  try {
    return JSON.parse(text) as NetworkState
  } catch (error) {
    throw new DisnixError('TESTNET_STATE_INVALID', `cannot read ${file}: ${(error as Error).message}`, {
      hint: `remove ${file} after stopping the network's processes by hand`,
      cause: error,
    })
  }
}

export async function writeNetworkState(dir: string, state: NetworkState): Promise<void> {
  const file = networkPaths(dir).stateFile
  await writeFile(`${file}.new`, `${JSON.stringify(state, null, 2)}\n`)
  await rename(`${file}.new`, file)
}

/** The config a network was created with, falling back to the given settings for a new dir. */
export function effectiveConfig(config: NetworkConfig, state: NetworkState | undefined): NetworkConfig {
  return state ? { dir: config.dir, net: state.net, bridge: state.bridge, nsPrefix: state.nsPrefix } : config
}

/** Assigns slots: known targets keep theirs, new ones take the lowest free slot. */
export function assignSlots(names: readonly string[], previous: NetworkState['targets']): Array<{ name: string; slot: number }> {
  const known = new Map(previous.map((t) => [t.name, t.slot]))
  const used = new Set<number>()
  for (const name of names) {
    const slot = known.get(name)
    if (slot !== undefined) used.add(slot)
  }
  let next = 1
  return names.map((name) => {
    const slot = known.get(name)
    if (slot !== undefined) return { name, slot }
    while (used.has(next)) next++
    used.add(next)
    return { name, slot: next }
  })
}
