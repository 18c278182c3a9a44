import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { installRoot, quoteShellArgs } from '@disnix-ts/libmain'
import { startTestnet, testnetAvailable, type Testnet } from './testing.js'
import { runsHere } from '@disnix-ts/test-utils'

const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping testnet tests: ${support.reason}`)

function ssh(net: Testnet, target: string, command: readonly string[], options: { input?: string; timeoutMs?: number } = {}) {
  // ssh joins its arguments into one string for the remote shell, so quote them.
  return execa('ssh', ['-F', net.sshConfig, target, '--', quoteShellArgs(command)], {
    reject: false,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    timeout: options.timeoutMs ?? 30_000,
  })
}

describe.runIf(runsHere(support, 'a test network'))('startTestnet', () => {
  let net: Testnet
  beforeAll(async () => {
    net = await startTestnet({ targets: 2 })
  })
  afterAll(async () => {
    await net?.down()
  })

  test('every target answers over ssh by name with its own hostname', async () => {
    for (const target of net.targets) {
      const result = await ssh(net, target.name, ['hostname'])
      expect(result.stderr).toBe('')
      expect(result.stdout).toBe(target.name)
      expect(result.exitCode).toBe(0)
    }
  })

  test('the installation is visible inside a target at the same path, first on PATH', async () => {
    const result = await ssh(net, 'testtarget1', ['sh', '-c', 'command -v disnix-testnet; node --version'])
    expect(result.stdout.split('\n')[0]).toBe(join(installRoot(), 'bin', 'disnix-testnet'))
    expect(result.stdout.split('\n')[1]).toBe(process.version)
    expect(result.exitCode).toBe(0)
  })

  test('exec runs inside the target without ssh', async () => {
    const result = await net.exec('testtarget2', ['sh', '-c', 'hostname; cat /etc/hostname'])
    expect(result).toEqual({ stdout: 'testtarget2\ntesttarget2\n', stderr: '', exitCode: 0 })
  })

  test('a file written to /tmp in a target lands in its private root only', async () => {
    await net.exec('testtarget1', ['sh', '-c', 'echo private > /tmp/only-here'])
    const [t1, t2] = net.targets
    expect(await readFile(join(t1!.root, 'tmp', 'only-here'), 'utf8')).toBe('private\n')
    const other = await net.exec('testtarget2', ['test', '-e', '/tmp/only-here'])
    expect(other.exitCode).toBe(1)
    expect(t2!.root).toBe(join(net.dir, 'testtarget2', 'root'))
  })

  test('stopSshd makes ssh fail with "Connection refused"; startSshd brings it back', async () => {
    await net.stopSshd('testtarget2')
    try {
      const refused = await ssh(net, 'testtarget2', ['true'])
      expect(refused.stderr).toContain('Connection refused')
      expect(refused.exitCode).toBe(255)
    } finally {
      await net.startSshd('testtarget2')
    }
    expect((await ssh(net, 'testtarget2', ['hostname'])).stdout).toBe('testtarget2')
  })

  test('linkDown makes a target unreachable until linkUp', async () => {
    await net.linkDown('testtarget1')
    try {
      const result = await execa('ssh', ['-F', net.sshConfig, '-o', 'ConnectTimeout=1', 'testtarget1', 'true'], { reject: false })
      expect(result.stderr).toMatch(/Connection timed out|No route to host/)
      expect(result.exitCode).toBe(255)
    } finally {
      await net.linkUp('testtarget1')
    }
    expect((await ssh(net, 'testtarget1', ['hostname'])).stdout).toBe('testtarget1')
  })

  test('sshOpts is the -F option for SSH_OPTS', () => {
    expect(net.sshOpts).toBe(`-F ${net.sshConfig}`)
    expect(net.sshConfig).toBe(join(net.dir, 'ssh', 'config'))
  })
})

describe.runIf(runsHere(support, 'a test network'))('two networks side by side', () => {
  test('have their own subnets, reach their own targets only, and go away completely', async () => {
    const [a, b] = await Promise.all([startTestnet({ targets: ['alpha'] }), startTestnet({ targets: ['alpha'] })])
    try {
      expect(a.config.net).not.toBe(b.config.net)
      expect(a.config.bridge).not.toBe(b.config.bridge)
      const [inA, inB] = await Promise.all([ssh(a, 'alpha', ['cat', '/etc/hostname']), ssh(b, 'alpha', ['cat', '/etc/hostname'])])
      expect([inA.stdout, inB.stdout]).toEqual(['alpha', 'alpha'])
      const marker = await a.exec('alpha', ['sh', '-c', 'echo a > /var/log/which'])
      expect(marker.exitCode).toBe(0)
      expect((await b.exec('alpha', ['cat', '/var/log/which'])).exitCode).toBe(1)
      // No route from one test LAN to the other (and none off the machine).
      const cross = await a.exec('alpha', ['bash', '-c', `exec 3<>/dev/tcp/${b.targets[0]!.address}/22`])
      expect(cross.stderr).toContain('Network is unreachable')
      expect(cross.exitCode).toBe(1)
    } finally {
      await Promise.all([a.down(), b.down()])
    }
    for (const n of [a, b]) {
      const links = await execa('ip', ['-o', 'link', 'show'])
      expect(links.stdout).not.toContain(`${n.config.bridge}:`)
      expect(links.stdout).not.toContain(`${n.config.bridge}v`)
      const netns = await execa('ip', ['netns', 'list'])
      expect(netns.stdout).not.toContain(n.config.nsPrefix)
      await expect(readFile(join(n.dir, 'network.json'))).rejects.toThrow('ENOENT')
    }
  })
})

describe('testnetAvailable', () => {
  test('says ok as root with namespace support, or why not', async () => {
    const result = await testnetAvailable()
    if (process.getuid?.() === 0) expect(result).toEqual({ ok: true })
    else expect(result).toEqual({ ok: false, reason: 'disnix-testnet needs root (it creates network and mount namespaces, a bridge and veths)' })
  })
})
