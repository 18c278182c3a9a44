import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { needsForwardRule, removeForwardRule } from './forward-rule.js'
import { ipBatch } from './ip-batch.js'
import { processStartTime, pidsInNetns, procStat, waitForDeath } from './target-process.js'
import { exists } from './testnet-down.js'

/** Where allocations are recorded; /run is emptied on reboot, as the bridges are. */
export const ALLOCATION_DIR = '/run/disnix-testnet'

/**
 * Indexes 1..199 map to 10.233.<index>.0/24. Index 0 is the tool's default network and 200..254 are
 * left for networks made by hand (the demo uses 10.233.250), so a test never takes a range that a
 * person's network may be about to use.
 */
const FIRST_INDEX = 1
const LAST_INDEX = 199

export interface NetworkAllocation {
  index: number
  net: string
  bridge: string
  nsPrefix: string
  /** Removes whatever is left of the network (after `down`, nothing) and frees the index. */
  release(): Promise<void>
}

interface AllocationRecord {
  pid: number
  startTime: string
  bridge: string
  nsPrefix: string
}

/**
 * Reserves a free network index for one test process, so test files can run their networks side by
 * side. The lock is a record file created exclusively (O_EXCL), naming its owner; an index whose
 * owner died (a crashed test run) is purged and reused. Indexes whose bridge or subnet some else
 * uses are skipped.
 */
export async function allocateNetwork(options: { first?: number; last?: number } = {}): Promise<NetworkAllocation> {
  const first = Math.max(options.first ?? FIRST_INDEX, FIRST_INDEX)
  const last = Math.min(options.last ?? LAST_INDEX, LAST_INDEX)
  await mkdir(ALLOCATION_DIR, { recursive: true })
  const usedNets = await subnetsInUse()
  for (let index = first; index <= last; index++) {
    const net = `10.233.${index}`
    const bridge = `tnbr${index}`
    const nsPrefix = `tn${index}-`
    const file = recordFile(bridge)
    let reclaimed = false
    if (await exists(file)) {
      reclaimed = await reclaimIfStale(file)
      if (!reclaimed) continue
    }
    // The subnet list predates a reclaim, which freed this one.
    if (!reclaimed && usedNets.has(net)) continue
    if (await exists(`/sys/class/net/${bridge}`)) continue
    const record: AllocationRecord = { pid: process.pid, startTime: (await processStartTime(process.pid)) ?? '', bridge, nsPrefix }
    try {
      await writeFile(file, `${JSON.stringify(record)}\n`, { flag: 'wx' })
    } catch (error) {
      if (hasErrorCode(error, 'EEXIST')) continue // another process took it first
      throw error
    }
    return {
      index,
      net,
      bridge,
      nsPrefix,
      release: async () => {
        await purgeNetwork(bridge, nsPrefix)
        await rm(file, { force: true })
      },
    }
  }
  throw new DisnixError('TESTNET_NO_FREE_NETWORK', `no free test network in 10.233.${first}.0 .. 10.233.${last}.0`, {
    hint: `remove stale bridges (ip link show type bridge) and ${ALLOCATION_DIR}`,
  })
}

function recordFile(bridge: string): string {
  return join(ALLOCATION_DIR, `${bridge}.json`)
}

/** /24s that some interface of the host already has an address in (another network, the user's). */
async function subnetsInUse(): Promise<Set<string>> {
  return new Set((await subnetOwners()).keys())
}

/** /24 → the interface of the host that has an address in it. */
export async function subnetOwners(): Promise<Map<string, string>> {
  const { stdout } = await execa('ip', ['-o', '-4', 'addr', 'show'], { stdin: 'ignore' })
  const owners = new Map<string, string>()
  for (const match of String(stdout).matchAll(/^\d+:\s+(\S+)\s+inet (\d+\.\d+\.\d+)\.\d+\//gm)) owners.set(match[2]!, match[1]!)
  return owners
}

/**
 * Takes over the index of a dead owner. The record is renamed first, so of several processes only
 * one reclaims it.
 */
async function reclaimIfStale(file: string): Promise<boolean> {
  const record = await readRecord(file)
  if (!record || (await ownerAlive(record))) return false
  const claimed = `${file}.reclaim-${process.pid}`
  try {
    await rename(file, claimed)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return false
    throw error
  }
  const taken = await readRecord(claimed)
  if (!taken || (await ownerAlive(taken))) {
    // Someone re-allocated the index between our read and our rename: give it back.
    await rename(claimed, file)
    return false
  }
  await purgeNetwork(taken.bridge, taken.nsPrefix)
  await rm(claimed, { force: true })
  return true
}

async function readRecord(file: string): Promise<AllocationRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as Partial<AllocationRecord>
    const valid = typeof record.pid === 'number' && typeof record.bridge === 'string' && typeof record.nsPrefix === 'string'
    return valid ? (record as AllocationRecord) : undefined
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || error instanceof SyntaxError) return undefined
    throw error
  }
}

async function ownerAlive(record: AllocationRecord): Promise<boolean> {
  const st = await procStat(record.pid)
  return st !== undefined && st.startTime === record.startTime && st.state !== 'Z'
}

/**
 * Removes what a dead test process left of its network, found by its names alone (its state dir may
 * be gone): processes in its netns (ours by construction), the netns, the veths and the bridge.
 */
async function purgeNetwork(bridge: string, nsPrefix: string): Promise<void> {
  const netns = (await readdirOrEmpty('/run/netns')).filter((n) => n.startsWith(nsPrefix))
  for (const pid of await pidsInNetns(netns.map((n) => `/run/netns/${n}`))) {
    const st = await procStat(pid)
    try {
      process.kill(pid, 'SIGKILL')
    } catch (error) {
      if (!hasErrorCode(error, 'ESRCH')) throw error
    }
    if (st) await waitForDeath(pid, st.startTime, 10_000)
  }
  const links = await readdirOrEmpty('/sys/class/net')
  const veths = links.filter((n) => new RegExp(`^${bridge}v\\d+$`).test(n))
  const bridges = links.filter((n) => n === bridge)
  await ipBatch([...veths.map((v) => `link del ${v}`), ...netns.map((n) => `netns del ${n}`), ...bridges.map((b) => `link del ${b}`)], {
    force: true,
    step: `removing the stale network on ${bridge}`,
  })
  if (await needsForwardRule()) await removeForwardRule(bridge)
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return []
    throw error
  }
}
