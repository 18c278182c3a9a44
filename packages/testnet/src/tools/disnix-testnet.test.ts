import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, runBin, suiteDir, runsHere } from '@disnix-ts/test-utils'
import { allocateNetwork, type NetworkAllocation } from '../allocate-network.js'
import { checkTestnetSupport } from '../check-support.js'
import { testnetDown } from '../testnet-down.js'

const support = await checkTestnetSupport()
if (!support.ok) console.warn(`skipping disnix-testnet tests: ${support.reason}`)

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures')

describe('disnix-testnet without a network', () => {
  test.each([
    [['up', '0'], "error: command-argument value '0' is invalid for argument 'count'. expected a whole number of at least 1\n"],
    [['up', '2', '-i', 'infrastructure.nix'], 'disnix-testnet: give either a count or --infrastructure, not both\n'],
    [['up', '--bridge', 'averylongbridge1'], 'disnix-testnet: invalid bridge name "averylongbridge1": use at most 11 letters, digits, - or _\n'],
    [['up', '--net', '10.300.0'], 'disnix-testnet: invalid network "10.300.0": expected the first three octets of a /24, e.g. 10.233.0\n'],
    [['up', '--dir', 'relative'], 'disnix-testnet: the state dir must be an absolute path: relative\n'],
    [
      ['up', '--dir', '/nonexistent-testnet', '-i', join(fixtures, 'infrastructure-bad-name', 'infrastructure.nix')],
      'disnix-testnet: invalid target name "test_1": a target name must be a host name (letters, digits and -, at most 63)\n',
    ],
    [['status', '--dir', '/nonexistent-testnet'], 'disnix-testnet: no test network in /nonexistent-testnet\nhint: disnix-testnet up\n'],
    // a subcommand's options before its name work as after it, and a misspelled one gets a suggestion
    [['--dir', '/nonexistent-testnet', 'status'], 'disnix-testnet: no test network in /nonexistent-testnet\nhint: disnix-testnet up\n'],
    [['--dri', '/nonexistent-testnet', 'status'], "error: unknown option '--dri'\n(Did you mean --dir?)\n"],
    [
      ['ssh-config', '--dir', '/nonexistent-testnet'],
      'disnix-testnet: no test network in /nonexistent-testnet: /nonexistent-testnet/ssh/config does not exist\nhint: disnix-testnet up\n',
    ],
    [['exec', '--dir', '/nonexistent-testnet', 'testtarget1', 'true'], 'disnix-testnet: unknown target "testtarget1" in /nonexistent-testnet (no network was created there)\n'],
    [['bogus'], "error: unknown command 'bogus'\n"],
  ])('%j fails with one clear message', async (args, stderr) => {
    const result = await runBin('disnix-testnet', args)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(stderr)
    expect(result.exitCode).toBe(1)
  })

  test('a model that does not evaluate is reported with Nix\'s error', async () => {
    const result = await runBin('disnix-testnet', ['up', '--dir', '/nonexistent-testnet', '-i', '/nonexistent/infrastructure.nix'], { env: nixTestEnv() })
    expect(result.stderr).toBe(
      'disnix-testnet: evaluating the infrastructure model /nonexistent/infrastructure.nix: failed (exit status 1)\n' +
        "error: getting status of '/nonexistent/infrastructure.nix': No such file or directory\n",
    )
    expect(result.exitCode).toBe(1)
  })

  test('--help documents every option and environment variable', async () => {
    const result = await runBin('disnix-testnet', ['up', '--help'])
    for (const text of ['--dir', '--net', '--bridge', '--prefix', '--infrastructure', 'TESTNET_DIR', 'TESTNET_NET', 'TESTNET_BRIDGE', 'TESTNET_NSPREFIX']) {
      expect(result.stdout).toContain(text)
    }
    expect(result.exitCode).toBe(0)
  })

  test.runIf(runsHere(support, 'a test network'))('refuses to run without root, saying so', async () => {
    const bin = join(installRoot(), 'bin', 'disnix-testnet')
    const asNobody = (args: string[]) =>
      execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', bin, ...args], { reject: false, stripFinalNewline: false })
    const up = await asNobody(['up', '--dir', '/nonexistent-testnet', '2'])
    expect(up.stdout).toBe('')
    expect(up.stderr).toBe(
      'disnix-testnet: cannot create a test network here: disnix-testnet needs root (it creates network and mount namespaces, a bridge and veths)\n',
    )
    expect(up.exitCode).toBe(1)
    const down = await asNobody(['down', '--dir', '/nonexistent-testnet'])
    expect(down.stderr).toBe(
      'disnix-testnet: disnix-testnet needs root (it creates network and mount namespaces, a bridge and veths)\nhint: run it with sudo, or as root\n',
    )
    expect(down.exitCode).toBe(1)
  })
})

describe.runIf(runsHere(support, 'a test network'))('disnix-testnet on a real network', () => {
  let allocation: NetworkAllocation
  let env: Record<string, string>
  let dir: string
  beforeAll(async () => {
    allocation = await allocateNetwork()
    dir = await suiteDir('disnix-testnet-cli-')
    env = { TESTNET_DIR: dir, TESTNET_NET: allocation.net, TESTNET_BRIDGE: allocation.bridge, TESTNET_NSPREFIX: allocation.nsPrefix }
  })
  afterAll(async () => {
    if (!dir) return
    await testnetDown({ dir, net: allocation.net, bridge: allocation.bridge, nsPrefix: allocation.nsPrefix })
    await allocation.release()
    await execa('rm', ['-rf', dir])
  })

  test('up N, status, exec, ssh-config, down: a user\'s session', async () => {
    const net = allocation.net
    const up = await runBin('disnix-testnet', ['up', '2'], { env })
    expect(up.stdout).toBe(
      [
        `export SSH_OPTS='-F ${dir}/ssh/config'`,
        `# testtarget1 ${net}.11 (state: ${dir}/testtarget1/root)`,
        `# testtarget2 ${net}.12 (state: ${dir}/testtarget2/root)`,
        `# connect: ssh -F ${dir}/ssh/config testtarget1`,
        `# tear down: disnix-testnet down --dir ${dir}`,
        '',
      ].join('\n'),
    )
    expect(up.stderr).toBe(`[target: testtarget1]: up at ${net}.11\n[target: testtarget2]: up at ${net}.12\n`)
    expect(up.exitCode).toBe(0)

    // The printed SSH_OPTS work as they are.
    const sshOpts = /SSH_OPTS='(.*)'/.exec(up.stdout)![1]!
    const ssh = await execa('ssh', [...sshOpts.split(' '), 'testtarget2', 'hostname'])
    expect(ssh.stdout).toBe('testtarget2')

    const status = await runBin('disnix-testnet', ['status'], { env })
    expect(status.stdout).toBe(
      `network ${net}.0/24 on ${allocation.bridge} (up), state in ${dir}\n` +
        `testtarget1  ${`${net}.11`.padEnd(15)}  up\n` +
        `testtarget2  ${`${net}.12`.padEnd(15)}  up\n`,
    )
    expect(status.exitCode).toBe(0)
    const json = JSON.parse((await runBin('disnix-testnet', ['status', '--json'], { env })).stdout)
    expect(json.targets.map((t: { name: string; running: boolean }) => [t.name, t.running])).toEqual([
      ['testtarget1', true],
      ['testtarget2', true],
    ])

    // exec enters the target's namespaces (its own /nix, hostname); options after the target are the command's.
    const exec = await runBin('disnix-testnet', ['exec', 'testtarget1', 'sh', '-c', 'hostname; findmnt -n -o SOURCE /nix; echo -n $PATH'], { env })
    expect(exec.stderr).toBe('')
    expect(exec.stdout.split('\n')[0]).toBe('testtarget1')
    expect(exec.stdout.split('\n')[1]).toContain(`[${dir}/testtarget1/root/nix]`)
    expect(exec.stdout.split('\n')[2]).toBe(`${join(installRoot(), 'bin')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`)
    expect(exec.exitCode).toBe(0)
    const dashes = await runBin('disnix-testnet', ['exec', 'testtarget2', '--', 'echo', '--dir', '-x'], { env })
    expect(dashes).toEqual({ stdout: '--dir -x\n', stderr: '', exitCode: 0 })
    const failing = await runBin('disnix-testnet', ['exec', 'testtarget2', 'sh', '-c', 'echo oops >&2; exit 3'], { env })
    expect(failing).toEqual({ stdout: '', stderr: 'oops\n', exitCode: 3 })

    const config = await runBin('disnix-testnet', ['ssh-config'], { env })
    expect(config.stdout).toBe(`${dir}/ssh/config\n`)
    const content = await runBin('disnix-testnet', ['ssh-config', '--content'], { env })
    expect(content.stdout).toBe(await readFile(`${dir}/ssh/config`, 'utf8'))
    expect(content.stdout).toContain(`Host testtarget1\n  HostName ${net}.11\n`)

    const down = await runBin('disnix-testnet', ['down'], { env })
    expect(down).toEqual({ stdout: '', stderr: '[target: testtarget1]: stopped\n[target: testtarget2]: stopped\n', exitCode: 0 })
    const again = await runBin('disnix-testnet', ['down'], { env })
    expect(again).toEqual({ stdout: '', stderr: '', exitCode: 0 })
    const after = await runBin('disnix-testnet', ['status'], { env })
    expect(after.stdout).toContain(`testtarget1  ${`${net}.11`.padEnd(15)}  down\n`)
    const execDown = await runBin('disnix-testnet', ['exec', 'testtarget1', 'true'], { env })
    expect(execDown.stderr).toBe(`disnix-testnet: target testtarget1 is not running\nhint: disnix-testnet up --dir ${dir}\n`)
    expect(execDown.exitCode).toBe(1)

    // up without a count brings back the same targets.
    const back = await runBin('disnix-testnet', ['up'], { env })
    expect(back.stderr).toBe(`[target: testtarget1]: up at ${net}.11\n[target: testtarget2]: up at ${net}.12\n`)
    expect(back.exitCode).toBe(0)
  })

  test('up -i creates one target per target of an infrastructure model, with its names', async () => {
    const up = await runBin('disnix-testnet', ['up', '-i', join(fixtures, 'infrastructure-two', 'infrastructure.nix')], { env })
    expect(up.stderr).toBe(
      '[target: testtarget1]: stopped (not in the new set)\n[target: testtarget2]: stopped (not in the new set)\n' +
        `[target: test1]: up at ${allocation.net}.11\n[target: test2]: up at ${allocation.net}.12\n`,
    )
    expect(up.exitCode).toBe(0)
    for (const name of ['test1', 'test2']) {
      const ssh = await execa('ssh', ['-F', `${dir}/ssh/config`, name, 'cat', '/etc/hostname'])
      expect(ssh.stdout).toBe(name)
    }
  })
})
