import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, test } from 'vitest'
import { suiteDir, runsHere } from '@disnix-ts/test-utils'
import { allocateNetwork, ALLOCATION_DIR } from './allocate-network.js'
import { checkTestnetSupport } from './check-support.js'
import { countedTargetNames } from './network-config.js'
import { testnetStatus } from './testnet-status.js'
import { procStat } from './target-process.js'
import { testnetUp } from './testnet-up.js'

const support = await checkTestnetSupport()
if (!support.ok) console.warn(`skipping allocation tests: ${support.reason}`)

describe.runIf(runsHere(support, 'a test network'))('allocateNetwork', () => {
  test('concurrent allocations get distinct networks, bridges and netns prefixes', async () => {
    const all = await Promise.all([allocateNetwork(), allocateNetwork(), allocateNetwork()])
    try {
      expect(new Set(all.map((a) => a.index)).size).toBe(3)
      for (const a of all) {
        expect(a.net).toBe(`10.233.${a.index}`)
        expect(a.bridge).toBe(`tnbr${a.index}`)
        expect(a.nsPrefix).toBe(`tn${a.index}-`)
        const record = JSON.parse(await readFile(join(ALLOCATION_DIR, `${a.bridge}.json`), 'utf8'))
        expect(record).toMatchObject({ pid: process.pid, bridge: a.bridge, nsPrefix: a.nsPrefix })
      }
    } finally {
      await Promise.all(all.map((a) => a.release()))
    }
    for (const a of all) expect((await readdir(ALLOCATION_DIR)).includes(`${a.bridge}.json`)).toBe(false)
  })

  test('the network of a dead owner is purged and its index reused', async () => {
    const first = await allocateNetwork()
    const dir = await suiteDir('disnix-testnet-stale-')
    try {
      const config = { dir, net: first.net, bridge: first.bridge, nsPrefix: first.nsPrefix }
      await testnetUp({ config, targets: countedTargetNames(1) })
      const pid1 = (await testnetStatus(config)).targets[0]!.pid1!
      // Pretend the owner crashed: a process that has exited owns the record.
      const dead = execa('true')
      await dead
      await writeFile(join(ALLOCATION_DIR, `${first.bridge}.json`), JSON.stringify({ pid: dead.pid, startTime: '1', bridge: first.bridge, nsPrefix: first.nsPrefix }))

      const second = await allocateNetwork({ first: first.index, last: first.index })
      try {
        expect(second.index).toBe(first.index)
        expect((await readdir('/run/netns')).filter((n) => n.startsWith(first.nsPrefix))).toEqual([])
        // The bridge and its veths (`<bridge>v<slot>`), not another network's tnbr240 when this is tnbr24.
        expect((await readdir('/sys/class/net')).filter((n) => n === first.bridge || n.startsWith(`${first.bridge}v`))).toEqual([])
        // Gone, or a zombie until the host's init reaps it (testnet.md pitfall 12).
        expect((await procStat(pid1))?.state ?? 'gone').toMatch(/^(gone|Z)$/)
      } finally {
        await second.release()
      }
    } finally {
      await first.release()
      await execa('rm', ['-rf', dir])
    }
  })

  test('an index whose owner lives is never taken over', async () => {
    const first = await allocateNetwork()
    try {
      await expect(allocateNetwork({ first: first.index, last: first.index })).rejects.toThrow(
        `no free test network in 10.233.${first.index}.0 .. 10.233.${first.index}.0`,
      )
    } finally {
      await first.release()
    }
  })
})
