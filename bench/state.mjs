#!/usr/bin/env node
// Moves the state of a stateful service from one test-network target to another with disnix-migrate
// and reports MB/s per phase, taken from the timestamps of its progress lines:
//   snapshot   the module archives the state on the old target
//   retrieve   the snapshot streams from the old target into the coordinator's store
//   send       the snapshot streams from the coordinator's store to the new target
//   restore    the module unpacks it on the new target
// Every rate is of the LOGICAL size of the state (the files' bytes; for PostgreSQL the uncompressed
// pg_dump), so the phases and the end-to-end rate compare directly with the plain equivalent through
// this machine (what a careful admin would do by hand):
//   fileset     SIZE MiB in 16 files, random (incompressible) or text (log lines, compressible);
//               plain: ssh t1 tar -c | ssh t2 tar -x
//   postgresql  a database with ROWS rows generated server-side; plain: ssh t1 pg_dump | ssh t2 psql
// Each scenario gets a fresh network; the bench fails (exit 1) when the data on t2 differs from t1's.
// Needs root (a test network) and a build (pnpm exec tsc -b).
// Usage: node bench/state.mjs [--scenarios fileset,postgresql] [--size MiB (1024)] [--data random,text]
//                             [--compression auto[,none]] [--postgresql-rows N (1000000)]
//   --compression: the modules' snapshotCompression property; each value is one more run of each scenario.
// Env:   BENCH_XZ_OPT  XZ_OPT of the fileset module (default: the module's own)
import { execFileSync, spawn } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { startTestnet } = await import(join(root, 'packages/testnet/lib/testing.js'))
const args = process.argv.slice(2)
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const sizeMiB = Number(option('--size', '1024'))
const rows = Number(option('--postgresql-rows', '1000000'))
const kinds = option('--data', 'random,text').split(',')
const scenarios = option('--scenarios', 'fileset,postgresql').split(',')
const compressions = option('--compression', 'auto').split(',')
if (!(sizeMiB > 0) || !(rows > 0) || kinds.some((k) => !['random', 'text'].includes(k)) || scenarios.some((s) => !['fileset', 'postgresql'].includes(s)) || compressions.some((c) => !['auto', 'none'].includes(c))) {
  console.error('usage: node bench/state.mjs [--scenarios fileset,postgresql] [--size MiB] [--data random,text] [--compression auto,none] [--postgresql-rows N]')
  process.exit(2)
}
const models = join(root, 'bench', 'state-models')
const bin = (tool) => join(root, 'bin', tool)
const quote = (text) => `'${text.replace(/'/g, "'\\''")}'`
const sh = (script) => execFileSync('sh', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 })

let current // the running scenario's network and work dir, for the signal handler
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    void (current?.net.down() ?? Promise.resolve()).finally(() => {
      if (current) rmSync(current.work, { recursive: true, force: true })
      process.exit(130)
    })
  })
}

/** A fresh two-target network, a coordinator store and the service deployed on t1 (not yet filled). */
async function setUp(service, extraEnv = {}) {
  const work = mkdtempSync(join(tmpdir(), 'bench-state-'))
  const net = await startTestnet({ targets: ['t1', 't2'] })
  current = { net, work }
  const env = {
    ...process.env,
    NIX_PATH: `nixpkgs=${join(root, 'nix', 'offline-pkgs')}`,
    NIX_CONFIG: 'build-users-group =\nsubstituters =\nsandbox = false\n',
    SSH_OPTS: net.sshOpts,
    DYSNOMIA_STATEDIR: join(work, 'store'),
    TMPDIR: work,
    ...extraEnv,
  }
  const run = (tool, argv) => execFileSync(bin(tool), argv, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 }).trim()
  const profile = ['--coordinator-profile-path', join(work, 'profiles')]
  const manifest = (target) => {
    const distribution = join(work, `distribution-${target}.nix`)
    execFileSync('sh', ['-c', 'cat > "$0"', distribution], { input: `{ infrastructure }: { ${service} = [ infrastructure.${target} ]; }\n` })
    return run('disnix-manifest', ['-s', join(models, 'services.nix'), '-i', join(models, 'infrastructure.nix'), '-d', distribution])
  }
  return { work, net, env, run, profile, m1: manifest('t1'), m2: manifest('t2') }
}

async function tearDown(s) {
  try {
    await s.net.down()
  } finally {
    rmSync(s.work, { recursive: true, force: true })
    current = undefined
  }
}

async function mustExec(net, target, script, timeoutMs = 1_800_000) {
  const r = await net.exec(target, ['sh', '-c', script], { timeoutMs })
  if (r.exitCode !== 0) throw new Error(`on ${target}: ${script.split('\n')[0]} ... failed (exit ${r.exitCode}):\n${r.stderr}`)
  return r.stdout
}

/** disnix-migrate -o m1 m2, with every progress line stamped as it arrives; the phase boundaries. */
async function migrate(s) {
  const lines = []
  const start = Date.now()
  await new Promise((resolve, reject) => {
    const child = spawn(bin('disnix-migrate'), [...s.profile, '-o', s.m1, s.m2], { env: s.env, stdio: ['ignore', 'inherit', 'pipe'] })
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
  const at = (pattern) => {
    const found = lines.find((l) => pattern.test(l.line))?.at
    if (found === undefined) throw new Error(`disnix-migrate printed no line matching ${pattern}:\n${lines.map((l) => l.line).join('\n')}`)
    return found
  }
  return { start, snapshot: at(/Snapshotting state of service/), retrieve: at(/Retrieving snapshots\.\.\./), send: at(/Sending snapshots\.\.\./), restore: at(/Restoring state of service/), end }
}

function report(title, logicalBytes, marks, plainLabel, plainSeconds) {
  const mb = logicalBytes / 1e6
  const rate = (seconds) => `${seconds.toFixed(1).padStart(6)} s  ${(mb / seconds).toFixed(1).padStart(7)} MB/s`
  const phase = (from, to) => rate((to - from) / 1000)
  const total = (marks.end - marks.start) / 1000
  console.log(title)
  console.log(`  snapshot   ${phase(marks.snapshot, marks.retrieve)}`)
  console.log(`  retrieve   ${phase(marks.retrieve, marks.send)}`)
  console.log(`  send       ${phase(marks.send, marks.restore)}`)
  console.log(`  restore    ${phase(marks.restore, marks.end)}`)
  console.log(`  migrate    ${rate(total)}   (end to end, including process starts)`)
  console.log(`  ${plainLabel.padEnd(10)} ${rate(plainSeconds)}`)
  console.log(`  ratio      ${(plainSeconds / total).toFixed(2)} of the plain rate`)
}

/** Writes `bytes` into `files` files under dir (host side of a target's root). */
async function generate(dir, kind, bytes, files) {
  const each = Math.floor(bytes / files)
  let seed = 0x2545f491
  const next = () => {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    return seed >>> 0
  }
  const levels = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR']
  const paths = ['/api/v1/items', '/api/v1/users', '/api/v1/orders', '/static/app.js', '/health']
  const textChunk = (size) => {
    let out = ''
    while (out.length < size) {
      const r = next()
      const t = next() % 86400
      const time = `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor(t / 60) % 60).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}.${String(r % 1000).padStart(3, '0')}`
      out += `2026-11-21T${time}Z ${levels[r % 6]} [worker-${r % 8}] GET ${paths[(r >>> 3) % 5]}/${next() % 100000} status=${r % 17 === 0 ? 500 : 200} bytes=${next() % 65536} ms=${r % 997} trace=${next().toString(16).padStart(8, '0')}\n`
    }
    return Buffer.from(out.slice(0, size))
  }
  for (let i = 1; i <= files; i++) {
    const stream = createWriteStream(join(dir, `f${i}`))
    for (let left = each; left > 0; ) {
      const size = Math.min(left, 1 << 20)
      const chunk = kind === 'random' ? randomFillSync(Buffer.alloc(size)) : textChunk(size)
      if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve))
      left -= size
    }
    await new Promise((resolve, reject) => stream.end((error) => (error ? reject(error) : resolve())))
  }
  return each * files
}

async function filesetScenario(kind, compression) {
  const s = await setUp('big', { BENCH_SNAPSHOT_COMPRESSION: compression })
  try {
    s.run('disnix-deploy', [...s.profile, s.m1])
    const data = join(s.net.targets.find((t) => t.name === 't1').root, 'var/state/big/data')
    const bytes = await generate(data, kind, sizeMiB * 1048576, 16)
    sh('sync')
    s.run('disnix-deploy', [...s.profile, '--no-migration', s.m2])
    const marks = await migrate(s)
    const snapshotSize = Number(sh(`du -sb ${JSON.stringify(join(s.env.DYSNOMIA_STATEDIR, 'snapshots'))}`).split('\t')[0])

    const plain0 = Date.now()
    sh(`ssh ${s.net.sshOpts} t1 'tar -cf - -C /var/state/big data' | ssh ${s.net.sshOpts} t2 'mkdir -p /tmp/baseline && tar -xf - -C /tmp/baseline'`)
    const plain = (Date.now() - plain0) / 1000
    const sums = await mustExec(s.net, 't2', 'cd /var/state/big/data && cat f* | sha256sum && cd /tmp/baseline/data && cat f* | sha256sum')
    const [a, b] = sums.trim().split('\n').map((l) => l.split(' ')[0])
    if (a !== b) throw new Error('the migrated data differs from the original')
    const xz = process.env.BENCH_XZ_OPT ? `XZ_OPT=${process.env.BENCH_XZ_OPT}` : "the module's default XZ_OPT"
    report(`fileset, ${kind} data: ${(bytes / 1048576).toFixed(0)} MiB in 16 files; snapshot ${(snapshotSize / 1048576).toFixed(0)} MiB (snapshotCompression=${compression}, ${xz}); MB/s of the file data`, bytes, marks, 'tar|ssh', plain)
  } finally {
    await tearDown(s)
  }
}

const pgbin = 'pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1); cd /'
const asPostgres = (command) => `${pgbin}; runuser -u postgres -- ${command}`
const psql = (db, sql) => asPostgres(`psql -X -q -tA -v ON_ERROR_STOP=1 -d ${db} -c "${sql}"`)
// A fingerprint of the table: count, sum of ids and a hash over every row in id order.
const fingerprint = (db) => psql(db, "SELECT count(*) || ' ' || sum(id) || ' ' || md5(string_agg(id || ',' || name || ',' || amount || ',' || created, ';' ORDER BY id)) FROM items")

async function postgresqlScenario(compression) {
  const s = await setUp('benchdb', { BENCH_SNAPSHOT_COMPRESSION: compression })
  try {
    for (const t of ['t1', 't2']) {
      await mustExec(s.net, t, `set -e; ${pgbin}
        mkdir -p /var/state/postgresql /run/postgresql
        chown postgres:postgres /var/state/postgresql /run/postgresql
        runuser -u postgres -- "$pgbin/initdb" --no-locale -E UTF8 --auth-local=peer -D /var/state/postgresql/data >/dev/null
        runuser -u postgres -- "$pgbin/pg_ctl" -D /var/state/postgresql/data -l /var/state/postgresql/server.log -w \
          -o "-p 5432 -k /run/postgresql -c listen_addresses=''" start >/dev/null`)
    }
    s.run('disnix-deploy', [...s.profile, s.m1])
    const fill0 = Date.now()
    await mustExec(s.net, 't1', psql('benchdb', `INSERT INTO items SELECT g, 'item ' || md5(g::text), (g % 100000) / 100.0, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, ${rows}) g`))
    const fillSeconds = (Date.now() - fill0) / 1000
    const expected = (await mustExec(s.net, 't1', fingerprint('benchdb'))).trim()
    const dbSize = Number((await mustExec(s.net, 't1', psql('benchdb', "SELECT pg_database_size('benchdb')"))).trim())
    s.run('disnix-deploy', [...s.profile, '--no-migration', s.m2])
    const marks = await migrate(s)
    const moved = (await mustExec(s.net, 't2', fingerprint('benchdb'))).trim()
    if (moved !== expected) throw new Error(`the database on t2 differs from t1's: expected "${expected}", got "${moved}"`)
    const dump = sh(`find ${JSON.stringify(join(s.env.DYSNOMIA_STATEDIR, 'snapshots'))} -name dump.pgsql.xz`).trim().split('\n')[0]
    const dumpSize = Number(sh(`xz -dc ${JSON.stringify(dump)} | wc -c`))
    const snapshotSize = Number(sh(`stat -c %s ${JSON.stringify(dump)}`))

    await mustExec(s.net, 't2', asPostgres('createdb baseline'))
    const plain0 = Date.now()
    sh(`ssh ${s.net.sshOpts} t1 ${quote(asPostgres('pg_dump -d benchdb'))} | ssh ${s.net.sshOpts} t2 ${quote(asPostgres('psql -X -q -v ON_ERROR_STOP=1 -d baseline'))} >/dev/null`)
    const plain = (Date.now() - plain0) / 1000
    const copied = (await mustExec(s.net, 't2', fingerprint('baseline'))).trim()
    if (copied !== expected) throw new Error(`the plain pg_dump | psql copy differs: expected "${expected}", got "${copied}"`)
    report(
      `postgresql, snapshotCompression=${compression}: ${rows} rows (filled in ${fillSeconds.toFixed(1)} s), database ${(dbSize / 1048576).toFixed(0)} MiB on disk, dump ${(dumpSize / 1048576).toFixed(0)} MiB, snapshot (dump.pgsql.xz) ${(snapshotSize / 1048576).toFixed(1)} MiB; MB/s of the uncompressed dump; rows on t2 checked (${expected.split(' ')[0]})`,
      dumpSize,
      marks,
      'dump|psql',
      plain,
    )
  } finally {
    await tearDown(s)
  }
}

if (scenarios.includes('fileset')) for (const kind of kinds) for (const compression of compressions) await filesetScenario(kind, compression)
if (scenarios.includes('postgresql')) for (const compression of compressions) await postgresqlScenario(compression)
