import { createHash } from 'node:crypto'
import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { runBin, suiteDir, runsHere } from '@disnix-ts/test-utils'
import { startTestnet, testnetAvailable, type Testnet } from '@disnix-ts/testnet/testing'

vi.setConfig({ testTimeout: 120_000 })
const support = await testnetAvailable()
if (!support.ok) console.warn(`skipping disnix-copy-snapshots: ${support.reason}`)

const ID = 'b'.repeat(64)
const SNAPSHOT = `fileset/bigdata/${ID}`

describe('disnix-copy-snapshots usage', () => {
  test.each([
    [['--target', 't', '-c', 'c', '-C', 'x'], 'ERROR: Either --to, --from or --from-profile must be specified!'],
    [['--from', '-c', 'c', '-C', 'x'], 'ERROR: A target address must be specified!'],
    [['--from', '--target', 't', '-C', 'x'], 'ERROR: A container must be specified!'],
    [['--from', '--target', 't', '-c', 'c'], 'ERROR: A component must be specified!'],
  ])('%j is refused', async (args, message) => {
    const r = await runBin('disnix-copy-snapshots', args)
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(message)
  })
})

// Transfers that break midway (spec §6.6): nothing partial may reach either store, and a rerun completes.
describe.runIf(runsHere(support, 'a test network'))('disnix-copy-snapshots interrupted transfers', () => {
  let net: Testnet
  let stateDir: string
  let tmp: string
  let env: NodeJS.ProcessEnv
  let digest: string

  beforeAll(async () => {
    net = await startTestnet({ targets: ['test1', 'test2'] })
    stateDir = await suiteDir('disnix-copy-snapshots-store-')
    tmp = await suiteDir('disnix-copy-snapshots-tmp-')
    // Through the connection-sharing master: a client killed outright must take its remote commands
    // along, or they would hold the master's channel and the throttled link for the next run.
    env = { SSH_OPTS: net.sshOpts, DYSNOMIA_STATEDIR: stateDir, TMPDIR: tmp, DISNIX_SSH_PERSIST: '60', XDG_RUNTIME_DIR: join(tmp, 'runtime') }
    // a 24 MiB snapshot in test1's store
    const made = await net.exec('test1', [
      'sh',
      '-c',
      `d=$(mktemp -d) && mkdir "$d/${ID}" && head -c 25165824 /dev/urandom > "$d/${ID}/state.bin" && dysnomia-snapshots --import -C fileset -c bigdata "$d/${ID}" && sha256sum /var/state/dysnomia/snapshots/${SNAPSHOT}/state.bin`,
    ])
    expect(made.exitCode, made.stderr).toBe(0)
    digest = made.stdout.split(' ')[0]!
  })
  afterAll(async () => {
    for (const target of ['test1', 'test2']) {
      const status = await runBin('disnix-ssh-client', ['--target', target, '--master-status'], { env })
      if (status.exitCode === 0) process.kill((JSON.parse(status.stdout) as { pid: number }).pid, 'SIGTERM')
    }
    await net?.down()
    for (const dir of [stateDir, tmp]) if (dir) await rm(dir, { recursive: true, force: true })
  })

  /**
   * Starts a copy of a throttled transfer (about 50 s at 4 Mbit/s) and kills it outright once at least
   * 1 MiB of it has arrived where `receivedBytes` looks, midway (a fixed delay was not enough on a
   * loaded machine).
   */
  async function killMidway(args: string[], receivedBytes: () => Promise<number>): Promise<void> {
    const target = args[args.indexOf('--target') + 1]!
    const child = execa(join(installRoot(), 'bin', 'disnix-copy-snapshots'), args, { env, detached: true, reject: false, stdin: 'ignore' })
    const deadline = Date.now() + 60_000
    while ((await receivedBytes()) < 1024 * 1024 && child.exitCode === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(child.exitCode, 'the transfer ended before it could be interrupted').toBe(null)
    process.kill(-child.pid!, 'SIGKILL')
    await child
    // The master ends the killed client's remote command at once (the link is still throttled: left
    // running, the transfer would take most of a minute, a send would wait for its input forever).
    const running = async () => (JSON.parse((await runBin('disnix-ssh-client', ['--target', target, '--master-status'], { env })).stdout) as { running: number }).running
    const settled = Date.now() + 15_000
    while ((await running()) > 0 && Date.now() < settled) await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await running(), 'the killed transfer still runs in the master').toBe(0)
  }

  /** Bytes in the regular files below `dir` (0 when it does not exist). */
  async function bytesBelow(dir: string): Promise<number> {
    const r = await execa('du', ['-sb', dir], { reject: false })
    return r.exitCode === 0 ? Number(r.stdout.split('\t')[0]) : 0
  }

  test('a retrieval killed midway leaves nothing in the coordinator store; the next run completes it', async () => {
    // slow the target's uplink so that the transfer takes seconds
    await mustRun(net, 'test1', ['tc', 'qdisc', 'add', 'dev', 'eth0', 'root', 'tbf', 'rate', '4mbit', 'burst', '64kb', 'latency', '500ms'])
    try {
      await killMidway(['--from', '--target', 'test1', '-c', 'fileset', '-C', 'bigdata'], () => bytesBelow(tmp))
    } finally {
      await mustRun(net, 'test1', ['tc', 'qdisc', 'del', 'dev', 'eth0', 'root'])
    }
    const query = () => runBin('dysnomia-snapshots', ['--query-all', '--check'], { env: { DYSNOMIA_STATEDIR: stateDir } })
    expect((await query()).stdout).toBe('')
    expect(await entries(join(stateDir, 'snapshots', 'fileset', 'bigdata'))).toEqual([])

    const r = await runBin('disnix-copy-snapshots', ['--from', '--target', 'test1', '-c', 'fileset', '-C', 'bigdata'], { env })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain(`[target: test1]: snapshot ${SNAPSHOT}: 24.0 MiB transferred`)
    const checked = await query()
    expect(checked.stdout).toBe(`${SNAPSHOT}\n`)
    expect(checked.stderr).toBe('')
    expect(sha256(await readFile(join(stateDir, 'snapshots', SNAPSHOT, 'state.bin')))).toBe(digest)
  })

  test('a send killed midway leaves nothing in the target store; the next run completes it', async () => {
    // throttle what the host sends to test2 (the host end of its veth pair)
    const uploads = join(net.targets[1]!.root, 'var/state/dysnomia/tmp')
    const index = (await net.exec('test2', ['cat', '/sys/class/net/eth0/iflink'])).stdout.trim()
    const link = (await execa('ip', ['-o', 'link'])).stdout.split('\n').find((l) => l.startsWith(`${index}: `))
    const hostEnd = /^\d+: ([^@:]+)/.exec(link ?? '')?.[1]
    expect(hostEnd).toBeDefined()
    await execa('tc', ['qdisc', 'add', 'dev', hostEnd!, 'root', 'tbf', 'rate', '4mbit', 'burst', '64kb', 'latency', '500ms'])
    try {
      // uploads unpack next to the target's snapshot store (disnix-tmpfile --for-snapshots)
      await killMidway(['--to', '--target', 'test2', '-c', 'fileset', '-C', 'bigdata'], () => bytesBelow(uploads))
    } finally {
      await execa('tc', ['qdisc', 'del', 'dev', hostEnd!, 'root'])
    }
    // the remote command's own clean-up runs (it may finish just after its channel closed): nothing
    // of the transfer is left on the target
    const cleaned = Date.now() + 10_000
    while ((await readdir(uploads)).length > 0 && Date.now() < cleaned) await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await readdir(uploads)).toEqual([])
    const query = async () => (await net.exec('test2', ['dysnomia-snapshots', '--query-all', '--check'])).stdout
    expect(await query()).toBe('')
    expect(await entries(join(net.targets[1]!.root, 'var/state/dysnomia/snapshots/fileset/bigdata'))).toEqual([])

    const r = await runBin('disnix-copy-snapshots', ['--to', '--target', 'test2', '-c', 'fileset', '-C', 'bigdata'], { env })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stderr).toContain(`[target: test2]: snapshot ${SNAPSHOT}: 24.0 MiB transferred`)
    expect(await query()).toBe(`${SNAPSHOT}\n`)
    expect(sha256(await readFile(join(net.targets[1]!.root, 'var/state/dysnomia/snapshots', SNAPSHOT, 'state.bin')))).toBe(digest)
    // the coordinator keeps its own copy
    expect(await entries(join(stateDir, 'snapshots', 'fileset', 'bigdata'))).toEqual([ID])
    // sending again transfers nothing
    const again = await runBin('disnix-copy-snapshots', ['--to', '--target', 'test2', '-c', 'fileset', '-C', 'bigdata'], { env })
    expect(again.exitCode, again.stderr).toBe(0)
    expect(again.stderr).not.toContain('transferred')
  })
})

async function mustRun(net: Testnet, target: string, argv: string[]): Promise<void> {
  const r = await net.exec(target, argv)
  expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0)
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}
