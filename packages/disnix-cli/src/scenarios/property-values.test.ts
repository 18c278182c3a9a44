import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'
import { runBin, runsHere } from '@disnix-ts/test-utils'
import { coordinator, fixtures, targetEntries, type Coordinator } from './scenario-helpers.js'

vi.setConfig({ testTimeout: 180_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping the property values scenario: ${support.reason}`)

const dir = join(fixtures, 'property-values')

// A container property travels from the infrastructure model through the manifest (XML, where a
// carriage return needs &#13;), the client interface's argument list, SSH and Dysnomia into the
// module's environment. It must arrive byte for byte, and nothing in it may run.
describe.runIf(runsHere(support, 'a test network'))('property values end to end', () => {
  let net: Testnet
  let coord: Coordinator

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1'] })
    coord = await coordinator(net)
  })
  afterAll(async () => {
    await net?.down()
    await coord?.cleanup()
  })

  // In this process (the default) and through disnix-ssh-client processes; each run deploys to its
  // own profile, so the service is activated again.
  test.for([
    ['the in-process client interface', 'in-process', {}],
    ['disnix-ssh-client processes', 'processes', { DISNIX_IN_PROCESS_INTERFACE: '0' }],
  ] as const)('%s: a value with CRLF, a tab, quotes, $(…) and a backslash reaches the module unchanged', async ([, profile, env]) => {
    const root = net.targets[0]!.root
    await rm(join(root, 'var/state/property-values-note'), { force: true })
    const models = ['-s', join(dir, 'services.nix'), '-i', join(dir, 'infrastructure.nix'), '-d', join(dir, 'distribution.nix')]
    const r = await runBin('disnix-env', [...models, '-p', profile, '--coordinator-profile-path', coord.profileDir], { env: { ...coord.env, ...env }, timeoutMs: 300_000 })
    expect(r.exitCode, r.stderr).toBe(0)
    const note = await readFile(join(root, 'var/state/property-values-note'))
    expect(note.toString('utf8')).toBe('first line\r\nsecond\tcolumn "quoted" \'single\' $(touch /tmp/pwned) \\ end')
    expect(note.includes(Buffer.from('\r\n'))).toBe(true)
    expect(await targetEntries(net, 'test1', 'tmp')).not.toContain('pwned')
  })
})
