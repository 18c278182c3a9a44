import { execa } from 'execa'
import { describe, expect, test } from 'vitest'
import { testDir, runsHere } from '@disnix-ts/test-utils'
import { testnetAvailable } from './testing.js'
import { testnetUp } from './testnet-up.js'

const support = await testnetAvailable()

describe.runIf(runsHere(support, 'a test network'))('testnetUp', () => {
  test('refuses a subnet that another interface of the host already uses', async () => {
    const dir = await testDir('disnix-testnet-inuse-')
    // A dummy interface stands in for somebody else's network in the reserved, hand-made range.
    await execa('ip', ['link', 'add', 'tnbusy231', 'type', 'bridge'])
    try {
      await execa('ip', ['addr', 'add', '10.233.231.1/24', 'dev', 'tnbusy231'])
      const error = await testnetUp({ config: { dir, net: '10.233.231', bridge: 'tnbr231', nsPrefix: 'tn231-' }, targets: ['t1'] }).catch((e: unknown) => e)
      expect((error as Error).message).toBe('the network 10.233.231.0/24 is already used by tnbusy231')
      expect((await execa('ip', ['link', 'show', 'tnbr231'], { reject: false })).exitCode).not.toBe(0)
    } finally {
      await execa('ip', ['link', 'del', 'tnbusy231'])
    }
  })
})
