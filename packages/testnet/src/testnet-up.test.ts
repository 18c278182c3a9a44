import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { quoteShellArgs } from '@disnix-ts/libmain'
import { nixTestEnv, suiteDir, runsHere } from '@disnix-ts/test-utils'
import { allocateNetwork, type NetworkAllocation } from './allocate-network.js'
import { checkTestnetSupport } from './check-support.js'
import { execInTarget, setTargetLink } from './enter-target.js'
import { countedTargetNames, networkPaths, targetPaths, type NetworkConfig } from './network-config.js'
import { testnetDown } from './testnet-down.js'
import { procStat } from './target-process.js'
import { testnetStatus } from './testnet-status.js'
import { testnetUp, type TestnetInfo } from './testnet-up.js'

const support = await checkTestnetSupport()
if (!support.ok) console.warn(`skipping testnet tests: ${support.reason}`)

const fixtures = join(import.meta.dirname, '..', 'fixtures')

function ssh(config: NetworkConfig, target: string, argv: readonly string[], options: { input?: string; extra?: string[] } = {}) {
  // ssh joins its arguments into one string for the remote shell, so quote them.
  return execa('ssh', ['-F', networkPaths(config.dir).sshConfig, ...(options.extra ?? []), target, '--', quoteShellArgs(argv)], {
    reject: false,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    timeout: 30_000,
    stripFinalNewline: false,
  })
}

/** Everything of a network the host can see: netns, links, live target processes. */
async function hostLeftovers(config: NetworkConfig) {
  const netns = (await readdir('/run/netns').catch(() => [] as string[])).filter((n) => n.startsWith(config.nsPrefix))
  const links = (await readdir('/sys/class/net')).filter((n) => n === config.bridge || n.startsWith(`${config.bridge}v`))
  const mounts = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').filter((l) => l.includes(config.dir))
  return { netns, links, mounts }
}

describe.runIf(runsHere(support, 'a test network'))('testnetUp / testnetDown', () => {
  let allocation: NetworkAllocation
  let config: NetworkConfig
  let info: TestnetInfo
  beforeAll(async () => {
    allocation = await allocateNetwork()
    config = { dir: await suiteDir('disnix-testnet-up-'), net: allocation.net, bridge: allocation.bridge, nsPrefix: allocation.nsPrefix }
    info = await testnetUp({ config, targets: countedTargetNames(2) })
  })
  afterAll(async () => {
    if (!config) return
    await testnetDown(config)
    await allocation.release()
    await execa('rm', ['-rf', config.dir])
  })

  test('up is idempotent: a second up keeps the running targets', async () => {
    expect(info.targets.map((t) => [t.name, t.address])).toEqual([
      ['testtarget1', `${config.net}.11`],
      ['testtarget2', `${config.net}.12`],
    ])
    const before = await testnetStatus(config)
    const messages: string[] = []
    await testnetUp({ config, targets: countedTargetNames(2), progress: (e) => messages.push(`${e.kind === 'message' ? e.target : ''}: ${'text' in e ? e.text : ''}`) })
    expect(messages).toEqual(['testtarget1: already up', 'testtarget2: already up'])
    expect((await testnetStatus(config)).targets.map((t) => t.pid1)).toEqual(before.targets.map((t) => t.pid1))
  })

  test('ssh reaches each target by name through the generated config (OpenSSH -F)', async () => {
    for (const name of ['testtarget1', 'testtarget2']) {
      const result = await ssh(config, name, ['sh', '-c', 'hostname; ip -4 -o addr show dev eth0 | cut -d" " -f7; ip route'])
      expect(result.stderr).toBe('')
      const address = `${config.net}.${name === 'testtarget1' ? 11 : 12}`
      // Only the test LAN: no default route, so nothing leaves the machine.
      expect(result.stdout).toBe(`${name}\n${address}/24\n${config.net}.0/24 dev eth0 proto kernel scope link src ${address} \n`)
    }
  })

  test('targets reach each other by name over the bridge', async () => {
    const result = await ssh(config, 'testtarget1', ['bash', '-c', 'getent ahostsv4 testtarget2 | head -n 1 | cut -d" " -f1 && exec 3<>/dev/tcp/testtarget2/22 && head -c 7 <&3'])
    expect(result.stdout).toBe(`${config.net}.12\nSSH-2.0`)
    expect(result.exitCode).toBe(0)
  })

  test('a wrong host key is refused', async () => {
    const bad = join(config.dir, 'bad_known_hosts')
    const genuine = await readFile(networkPaths(config.dir).knownHosts, 'utf8')
    const otherKey = (await readFile(join(targetPaths(config.dir, 'testtarget2').etcSsh, 'ssh_host_ed25519_key.pub'), 'utf8')).split(' ')
    // testtarget1's entry, with testtarget2's key.
    const line = genuine.split('\n').find((l) => l.startsWith('testtarget1,'))!.split(' ')
    await writeFile(bad, `${line[0]} ${otherKey[0]} ${otherKey[1]}\n`)
    const result = await ssh(config, 'testtarget1', ['true'], { extra: ['-o', `UserKnownHostsFile=${bad}`] })
    expect(result.stderr).toContain('Host key verification failed.')
    expect(result.exitCode).toBe(255)
  })

  test('each target has its own /nix: a closure is valid only where it was imported, with equal hashes', async () => {
    const env = nixTestEnv()
    const tag = `${process.pid}-${Date.now()}`
    const built = await execa('nix-build', ['--no-out-link', join(fixtures, 'closure', 'closure.nix'), '--argstr', 'tag', tag], { env })
    const path = built.stdout.trim()
    const requisites = (await execa('nix-store', ['-qR', path], { env })).stdout.trim().split('\n')
    expect(requisites).toHaveLength(3)
    expect((await ssh(config, 'testtarget1', ['nix-store', '--check-validity', path])).exitCode).toBe(1)

    const exported = await execa('nix-store', ['--export', ...requisites], { env, encoding: 'buffer' })
    const imported = await execa('ssh', ['-F', networkPaths(config.dir).sshConfig, 'testtarget1', 'nix-store', '--import'], {
      input: exported.stdout,
      reject: false,
    })
    expect(imported.exitCode).toBe(0)
    expect(imported.stdout.trim().split('\n').sort()).toEqual([...requisites].sort())

    const hostHash = (await execa('nix-store', ['-q', '--hash', path], { env })).stdout
    const targetHash = await ssh(config, 'testtarget1', ['nix-store', '-q', '--hash', path])
    expect(targetHash.stdout.trim()).toBe(hostHash.trim())
    const run = await ssh(config, 'testtarget1', [`${path}/bin/tn-service`])
    expect(run.stdout).toBe(`testtarget1 ${requisites.find((p) => p.endsWith(`tn-lib-${tag}`))}\n`)
    const other = await ssh(config, 'testtarget2', ['nix-store', '--check-validity', path])
    expect(other.stderr).toContain('is not valid')
    expect(other.exitCode).toBe(1)
  })

  test('Nix builds a derivation inside a target, in the target\'s own store', async () => {
    const env = nixTestEnv()
    const tag = `build-${process.pid}-${Date.now()}`
    const drv = (await execa('nix-instantiate', [join(fixtures, 'closure', 'closure.nix'), '--argstr', 'tag', tag], { env })).stdout.trim()
    const out = (await execa('nix-store', ['-q', '--outputs', drv], { env })).stdout.trim()
    const drvClosure = (await execa('nix-store', ['-qR', drv], { env })).stdout.trim().split('\n')
    const exported = await execa('nix-store', ['--export', ...drvClosure], { env, encoding: 'buffer' })
    await execa('ssh', ['-F', networkPaths(config.dir).sshConfig, 'testtarget2', 'nix-store', '--import'], { input: exported.stdout })

    const result = await ssh(config, 'testtarget2', ['nix-store', '--realise', drv])
    expect(result.stdout.trim()).toBe(out)
    expect(result.exitCode).toBe(0)
    expect((await readdir(join(targetPaths(config.dir, 'testtarget2').root, 'nix', 'store'))).includes(out.slice('/nix/store/'.length))).toBe(true)
    expect((await execa('nix-store', ['--check-validity', out], { env, reject: false })).exitCode).toBe(1)
  })

  test('a target with eth0 down is unreachable: ssh times out, and works again when it is up', async () => {
    await setTargetLink(config, 'testtarget2', false)
    try {
      const result = await ssh(config, 'testtarget2', ['true'], { extra: ['-o', 'ConnectTimeout=1'] })
      expect(result.stderr).toMatch(/Connection timed out|No route to host/)
      expect(result.exitCode).toBe(255)
    } finally {
      await setTargetLink(config, 'testtarget2', true)
    }
    expect((await ssh(config, 'testtarget2', ['hostname'])).stdout).toBe('testtarget2\n')
  })

  test('state and the MAC address survive re-creation; processes do not; down leaves nothing on the host', async () => {
    await execInTarget(config, 'testtarget1', ['sh', '-c', 'echo kept > /var/log/marker; (sleep 1000 </dev/null >/dev/null 2>&1 &)'])
    const mac = async () => (await ssh(config, 'testtarget1', ['cat', '/sys/class/net/eth0/address'])).stdout
    const macBefore = await mac()
    const knownHosts = await readFile(networkPaths(config.dir).knownHosts, 'utf8')
    const pids = (await testnetStatus(config)).targets.map((t) => t.pid1!)
    const { stopped } = await testnetDown(config)
    expect(stopped).toEqual(['testtarget1', 'testtarget2'])
    expect(await hostLeftovers(config)).toEqual({ netns: [], links: [], mounts: [] })
    // Gone, or a zombie until the host's init reaps it (testnet.md pitfall 12).
    for (const pid of pids) expect((await procStat(pid))?.state ?? 'gone').toMatch(/^(gone|Z)$/)
    expect((await testnetStatus(config)).targets.map((t) => t.running)).toEqual([false, false])
    expect(await testnetDown(config)).toEqual({ stopped: [] })

    await testnetUp({ config, targets: countedTargetNames(2) })
    expect(await readFile(networkPaths(config.dir).knownHosts, 'utf8')).toBe(knownHosts)
    const after = await ssh(config, 'testtarget1', ['sh', '-c', 'cat /var/log/marker; pgrep -x sleep || echo no sleep'])
    expect(after.stdout).toBe('kept\nno sleep\n')
    // A machine keeps its network card: the coordinator's neighbour cache stays right across a restart.
    expect(await mac()).toBe(macBefore)
  })

  test('up with fewer targets stops the others', async () => {
    await testnetUp({ config, targets: countedTargetNames(3) })
    expect((await ssh(config, 'testtarget3', ['hostname'])).stdout).toBe('testtarget3\n')
    const messages: string[] = []
    await testnetUp({ config, targets: ['testtarget1'], progress: (e) => messages.push('text' in e ? `${e.kind === 'message' ? e.target : ''}: ${e.text}` : '') })
    expect(messages).toContain('testtarget3: stopped (not in the new set)')
    const status = await testnetStatus(config)
    expect(status.targets.map((t) => [t.name, t.running])).toEqual([['testtarget1', true]])
    const netns = (await readdir('/run/netns')).filter((n) => n.startsWith(config.nsPrefix))
    expect(netns).toEqual([`${config.nsPrefix}testtarget1`])
  })
})

describe.runIf(runsHere(support, 'a test network'))('testnetUp with an installation under /tmp', () => {
  test('the installation is bound back into every target at the same path, in spite of the private /tmp', async () => {
    const allocation = await allocateNetwork()
    const base = await suiteDir('disnix-testnet-install-')
    const install = join(base, 'checkout')
    const config = { dir: join(base, 'net'), net: allocation.net, bridge: allocation.bridge, nsPrefix: allocation.nsPrefix }
    try {
      await execa('mkdir', ['-p', join(install, 'bin')])
      await writeFile(join(install, 'bin', 'disnix-hello'), '#!/bin/sh\necho "hello from $(hostname)"\n', { mode: 0o755 })
      await testnetUp({ config, targets: ['t1'], installRoot: install, binDir: join(install, 'bin') })
      // Found through the session PATH, at the host's path, although /tmp is the target's own.
      const result = await ssh(config, 't1', ['sh', '-c', 'command -v disnix-hello; disnix-hello; ls /tmp'])
      expect(result.stdout).toBe(`${install}/bin/disnix-hello\nhello from t1\n${base.slice('/tmp/'.length)}\n`)
      expect(result.exitCode).toBe(0)
    } finally {
      await testnetDown(config)
      await allocation.release()
      await execa('rm', ['-rf', base])
    }
  })
})

