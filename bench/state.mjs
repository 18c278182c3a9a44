#!/usr/bin/env node
// Moves the state of a stateful fileset service (SIZE MiB of incompressible data in 16 files) from one
// test-network target to another with disnix-migrate, and reports MB/s per phase, taken from the
// timestamps of its progress lines:
//   snapshot   the fileset module archives the data on the old target (tar + xz, see BENCH_XZ_OPT)
//   retrieve   the snapshot streams from the old target into the coordinator's store
//   send       the snapshot streams from the coordinator's store to the new target
//   restore    the module unpacks it on the new target
// and compares the end-to-end rate with `ssh t1 tar -c | ssh t2 tar -x` of the same data through this
// machine (what a careful admin would do by hand). Needs root (a test network) and a build (pnpm run build).
// Usage: node bench/state.mjs [--size MiB (default 1024)]   env: BENCH_XZ_OPT (default -0)
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { startTestnet } = await import(join(root, 'packages/testnet/lib/testing.js'))
const args = process.argv.slice(2)
const sizeMiB = Number(args[args.indexOf('--size') + 1] || 1024) || 1024
const models = join(root, 'bench', 'state-models')
const work = mkdtempSync(join(tmpdir(), 'bench-state-'))
const net = await startTestnet({ targets: ['t1', 't2'] })
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void net.down().finally(() => {
      rmSync(work, { recursive: true, force: true })
      process.exit(130)
    })
  })
}
const env = {
  ...process.env,
  NIX_PATH: `nixpkgs=${join(root, 'nix', 'offline-pkgs')}`,
  NIX_CONFIG: 'build-users-group =\nsubstituters =\nsandbox = false\n',
  SSH_OPTS: net.sshOpts,
  DYSNOMIA_STATEDIR: join(work, 'store'),
  TMPDIR: work,
}
const bin = (tool) => join(root, 'bin', tool)
const run = (tool, argv) => execFileSync(bin(tool), argv, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 }).trim()
const profile = ['--coordinator-profile-path', join(work, 'profiles')]

try {
  const manifest = (d) => run('disnix-manifest', ['-s', join(models, 'services.nix'), '-i', join(models, 'infrastructure.nix'), '-d', join(models, d)])
  const m1 = manifest('distribution-t1.nix')
  const m2 = manifest('distribution-t2.nix')
  run('disnix-deploy', [...profile, m1])
  const files = 16
  const each = Math.floor((sizeMiB * 1024 * 1024) / files)
  const fill = await net.exec('t1', ['sh', '-c', `for i in $(seq 1 ${files}); do head -c ${each} /dev/urandom > /var/state/big/data/f$i || exit 1; done; sync`], { timeoutMs: 600_000 })
  if (fill.exitCode !== 0) throw new Error(fill.stderr)
  const bytes = each * files
  run('disnix-deploy', [...profile, '--no-migration', m2])

  // disnix-migrate with time-stamped progress lines
  const lines = []
  const start = Date.now()
  await new Promise((resolve, reject) => {
    const child = spawn(bin('disnix-migrate'), [...profile, '-o', m1, m2], { env, stdio: ['ignore', 'inherit', 'pipe'] })
    let pending = ''
    child.stderr.on('data', (chunk) => {
      pending += chunk
      const parts = pending.split('\n')
      pending = parts.pop()
      for (const line of parts) lines.push({ at: Date.now(), line })
    })
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`disnix-migrate exited with ${code}\n${lines.map((l) => l.line).join('\n')}`))))
  })
  const end = Date.now()
  const at = (pattern) => lines.find((l) => pattern.test(l.line))?.at
  const marks = {
    snapshot: at(/Snapshotting state of service/),
    retrieve: at(/Retrieving snapshots\.\.\./),
    send: at(/Sending snapshots\.\.\./),
    restore: at(/Restoring state of service/),
  }
  const snapshotSize = Number(execFileSync('du', ['-sb', join(env.DYSNOMIA_STATEDIR, 'snapshots')], { encoding: 'utf8' }).split('\t')[0])

  // the same data by hand: ssh t1 tar -c | ssh t2 tar -x, through this machine
  const base0 = Date.now()
  execFileSync('sh', ['-c', `ssh ${net.sshOpts} t1 'tar -cf - -C /var/state/big data' | ssh ${net.sshOpts} t2 'mkdir -p /tmp/baseline && tar -xf - -C /tmp/baseline'`], { stdio: 'inherit' })
  const baseline = (Date.now() - base0) / 1000
  const check = await net.exec('t2', ['sh', '-c', 'cd /var/state/big/data && cat f* | sha256sum && cd /tmp/baseline/data && cat f* | sha256sum'])
  const [a, b] = check.stdout.trim().split('\n').map((l) => l.split(' ')[0])
  if (a !== b) throw new Error('the migrated data differs from the original')

  const mb = bytes / 1e6
  const rate = (from, to) => {
    const s = (to - from) / 1000
    return `${s.toFixed(1).padStart(6)} s  ${(mb / s).toFixed(1).padStart(7)} MB/s`
  }
  console.log(`data: ${(bytes / 1048576).toFixed(0)} MiB in ${files} files (incompressible); snapshot: ${(snapshotSize / 1048576).toFixed(0)} MiB; XZ_OPT=${process.env.BENCH_XZ_OPT || '-0'}`)
  console.log(`snapshot   ${rate(marks.snapshot, marks.retrieve)}`)
  console.log(`retrieve   ${rate(marks.retrieve, marks.send)}`)
  console.log(`send       ${rate(marks.send, marks.restore)}`)
  console.log(`restore    ${rate(marks.restore, end)}`)
  console.log(`migrate    ${rate(start, end)}   (end to end, including process starts)`)
  console.log(`tar|ssh    ${(baseline).toFixed(1).padStart(6)} s  ${(mb / baseline).toFixed(1).padStart(7)} MB/s`)
  console.log(`ratio      ${((mb / ((end - start) / 1000)) / (mb / baseline)).toFixed(2)} of the tar|ssh rate`)
} finally {
  await net.down()
  rmSync(work, { recursive: true, force: true })
}
