import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { nixTestEnv, runBin, testDir, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'

vi.setConfig({ testTimeout: 120_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping dydisnix-discover: ${support.reason}`)

// Three machines: test1 answers, test2 refuses (its sshd is stopped), test3 does not answer at all
// (its link is down, so connecting times out).
describe.runIf(runsHere(support, 'a test network'))('dydisnix-discover', () => {
  let net: Testnet
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2', 'test3'] })
    env = { ...nixTestEnv(), SSH_OPTS: net.sshOpts, TESTNET_DIR: net.dir }
    const root = net.targets.find((t) => t.name === 'test1')!.root
    await writeFile(join(root, 'etc/dysnomia/properties'), 'mem=4\nsupportedTypes=("process" "fileset")\nhostname=reported-name\n')
    await net.stopSshd('test2')
    await net.linkDown('test3')
  })
  afterAll(async () => {
    await net?.down()
  })

  test('keeps the machines that answer within the timeout, with what they report and the address they answered on', async () => {
    const dir = await testDir()
    await writeFile(join(dir, 'hosts'), '# candidates\ntest1\ntest2\n10.0.0.99 test3\n')
    const r = await runBin('dydisnix-discover', ['--hosts-file', join(dir, 'hosts'), '--timeout', '15', '-o', join(dir, 'infrastructure.nix')], { env })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('[target: test1]: Answered: capturing its configuration\n')
    expect(r.stderr).toMatch(/\[target: test2\]: Not available: cannot connect to .* port 22: connection refused\n/)
    // test3: our timeout, or the client interface's own ConnectTimeout when that is shorter
    expect(r.stderr).toMatch(/\[target: test3\]: Not available: (no answer within 15 s|unreachable: cannot connect to \S+ port 22: no answer within \d+ s)/)
    const evaluated = await execa('nix-instantiate', ['--eval', '--strict', '--json', join(dir, 'infrastructure.nix')], { env: { ...process.env, ...env } })
    // the address it answered on wins over the host name it reports
    expect(JSON.parse(evaluated.stdout)).toEqual({ test1: { properties: { hostname: 'test1', mem: '4', supportedTypes: ['process', 'fileset'] }, containers: {} } })
  })

  test('--testnet probes the targets of the test network; none answering is exit 1 with the reasons', async () => {
    // (stopping test1's sshd would not do: the connection the first test opened stays usable)
    await net.linkDown('test1')
    try {
      // Long enough for a refused connection to be told on a loaded machine; test1 (no link) ends by
      // discovery's timeout or by SSH's ConnectTimeout, whichever is first.
      const r = await runBin('dydisnix-discover', ['--testnet', '--timeout', '8'], { env })
      expect(r.exitCode).toBe(1)
      expect(r.stdout).toBe('{\n}\n')
      expect(r.stderr).toMatch(/\[coordinator\]: No candidate answered \(test1: (no answer within 8 s|unreachable: [^;]*no answer[^;]*); test2: [^;]*refused[^;]*; test3: .*\)\n$/)
    } finally {
      await net.linkUp('test1')
    }
  })

  test('without candidates it says what to give', async () => {
    const r = await runBin('dydisnix-discover', [], { env })
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr: '[coordinator]: No candidates: give host names, --hosts-file, --candidates or --testnet\n' })
  })
})
