// Test-only helpers for the database modules' tests: each starts a real server of Debian's packages
// as this test's own process (own data dir in a temp dir, own free port, loopback or a private Unix
// socket) and stops it again. Not exported from the package index.
import { execFileSync } from 'node:child_process'
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa, type ResultPromise } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'

/** A port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** A temp dir that other local users (the server accounts) may enter; remove it yourself. */
export async function sharedTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  await chmod(dir, 0o755)
  return dir
}

interface Account {
  uid: number
  gid: number
}

function account(user: string): Account {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim())
  return { uid, gid }
}

async function ownedDir(path: string, owner: Account, mode = 0o755): Promise<string> {
  await mkdir(path, { recursive: true })
  await chown(path, owner.uid, owner.gid)
  await chmod(path, mode)
  return path
}

/** Polls `probe` until it succeeds, at most `attempts` times 100 ms apart; the last error explains a failure. */
async function waitUntil(what: string, probe: () => Promise<unknown>, attempts = 200, logFile?: string): Promise<void> {
  let lastError: unknown
  for (let i = 0; i < attempts; i++) {
    try {
      await probe()
      return
    } catch (error) {
      lastError = error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const log = logFile ? await readFile(logFile, 'utf8').catch(() => '') : ''
  throw new Error(`${what} did not come up: ${String(lastError)}\n${log.split('\n').slice(-30).join('\n')}`)
}

/** Kills a server with SIGKILL, as a crash ends it: it cleans nothing up (sockets and PID files stay). */
async function killChild(child: ResultPromise): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const done = child.catch(() => undefined)
  child.kill('SIGKILL')
  await done
}

async function stopChild(child: ResultPromise, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const done = child.catch(() => undefined)
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  await done
  clearTimeout(timer)
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export interface PostgresServer {
  dir: string
  socketDir: string
  port: number
  /** Runs SQL (stdin of psql, as the postgres superuser) in `database`; returns unaligned tuples-only output. */
  psql(sql: string, database?: string): Promise<string>
  stop(): Promise<void>
  /** Kills the server (SIGKILL); stop still removes its files. */
  kill(): Promise<void>
}

/** Starts a PostgreSQL server as the `postgres` account on a private socket dir and a free port. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim()
  const owner = account('postgres')
  const dir = await sharedTempDir('disnix-pg-')
  const dataDir = await ownedDir(join(dir, 'data'), owner, 0o700)
  const socketDir = await ownedDir(join(dir, 'run'), owner)
  const port = await freePort()
  const logFile = join(dir, 'server.log')
  const asPostgres = { uid: owner.uid, gid: owner.gid, env: { HOME: dir, LANG: 'C.UTF-8' }, extendEnv: false }
  await execa(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], asPostgres)
  // Password roles authenticate on the socket; the superuser stays trusted for the test's own queries.
  await writeFile(
    join(dataDir, 'pg_hba.conf'),
    'local all postgres trust\nlocal all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n',
  )
  const child = execa(
    join(bin, 'postgres'),
    ['-D', dataDir, '-k', socketDir, '-p', String(port), '-c', 'listen_addresses=', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
    { ...asPostgres, stdout: { file: logFile }, stderr: { file: logFile }, stdin: 'ignore', reject: false },
  )
  const psql = async (sql: string, database = 'postgres'): Promise<string> => {
    const result = await execa('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-U', 'postgres', '-d', database], {
      ...asPostgres,
      input: sql,
    })
    return result.stdout
  }
  await waitUntil('PostgreSQL', () => psql('SELECT 1'), 200, logFile)
  return {
    dir,
    socketDir,
    port,
    psql,
    async stop() {
      await stopChild(child, 'SIGINT')
      await rm(dir, { recursive: true, force: true })
    },
    kill: () => killChild(child),
  }
}

// ---------------------------------------------------------------------------------------------
// MariaDB

export interface MariadbServer {
  dir: string
  socket: string
  port: number
  rootPassword: string
  /** Runs SQL as root (password in an option file) and returns the batch output without headers. */
  query(sql: string, database?: string): Promise<string>
  stop(): Promise<void>
  /** Kills the server (SIGKILL); stop still removes its files. */
  kill(): Promise<void>
}

/** Starts a MariaDB server as the `mysql` account on a private socket and a free loopback port. */
export async function startMariadb(rootPassword: string): Promise<MariadbServer> {
  const owner = account('mysql')
  const dir = await sharedTempDir('disnix-mysql-')
  const dataDir = await ownedDir(join(dir, 'data'), owner, 0o700)
  const runDir = await ownedDir(join(dir, 'run'), owner)
  const socket = join(runDir, 'mysqld.sock')
  const port = await freePort()
  const logFile = join(dir, 'server.log')
  await execa('mariadb-install-db', ['--no-defaults', `--datadir=${dataDir}`, '--user=mysql', '--skip-test-db', '--auth-root-authentication-method=normal'])
  const child = execa(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${join(runDir, 'mysqld.pid')}`,
      '--innodb-buffer-pool-size=16M',
      '--skip-name-resolve',
      '--skip-log-bin',
    ],
    { uid: owner.uid, gid: owner.gid, stdout: { file: logFile }, stderr: { file: logFile }, stdin: 'ignore', reject: false },
  )
  const optionFile = join(dir, 'root.cnf')
  await writeFile(optionFile, `[client]\nuser=root\nsocket=${socket}\n`, { mode: 0o600 })
  await waitUntil('MariaDB', () => execa('mysql', [`--defaults-extra-file=${optionFile}`, '-e', 'SELECT 1']), 300, logFile)
  await execa('mysql', [`--defaults-extra-file=${optionFile}`], { input: `ALTER USER root@localhost IDENTIFIED BY '${rootPassword}';` })
  await writeFile(optionFile, `[client]\nuser=root\npassword=${rootPassword}\nsocket=${socket}\n`, { mode: 0o600 })
  return {
    dir,
    socket,
    port,
    rootPassword,
    async query(sql: string, database?: string) {
      const args = [`--defaults-extra-file=${optionFile}`, '-N', '-B']
      if (database !== undefined) args.push('-D', database)
      return (await execa('mysql', args, { input: sql })).stdout
    },
    async stop() {
      await stopChild(child)
      await rm(dir, { recursive: true, force: true })
    },
    kill: () => killChild(child),
  }
}

// ---------------------------------------------------------------------------------------------
// InfluxDB 1.x

export interface InfluxServer {
  dir: string
  httpPort: number
  rpcPort: number
  /** Runs an InfluxQL query with the influx CLI; returns its CSV output. */
  query(query: string, database?: string): Promise<string>
  stop(): Promise<void>
  /** Kills the server (SIGKILL); stop still removes its files. */
  kill(): Promise<void>
}

/** Starts influxd (1.x) with its HTTP and backup/restore (RPC) endpoints on free loopback ports. */
export async function startInfluxdb(): Promise<InfluxServer> {
  const dir = await sharedTempDir('disnix-influx-')
  const httpPort = await freePort()
  const rpcPort = await freePort()
  const config = join(dir, 'influxdb.conf')
  await writeFile(
    config,
    [
      'reporting-enabled = false',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[logging]',
      '  level = "warn"',
      '',
    ].join('\n'),
  )
  const logFile = join(dir, 'server.log')
  const child = execa('influxd', ['run', '-config', config], { stdout: { file: logFile }, stderr: { file: logFile }, stdin: 'ignore', reject: false })
  const query = async (q: string, database?: string): Promise<string> => {
    const args = ['-host', '127.0.0.1', '-port', String(httpPort), '-format', 'csv', '-execute', q]
    if (database !== undefined) args.push('-database', database)
    const result = await execa('influx', args)
    if (/^ERR:/m.test(result.stdout) || /^ERR:/m.test(result.stderr)) throw new Error(`influx: ${result.stdout}${result.stderr}`)
    return result.stdout
  }
  await waitUntil('InfluxDB', () => query('SHOW DATABASES'), 300, logFile)
  return {
    dir,
    httpPort,
    rpcPort,
    query,
    async stop() {
      await stopChild(child)
      await rm(dir, { recursive: true, force: true })
    },
    kill: () => killChild(child),
  }
}

// ---------------------------------------------------------------------------------------------
// ejabberd

export interface EjabberdServer {
  dir: string
  spoolDir: string
  logsDir: string
  /** A directory the node can write files to (for `ejabberdctl dump`). */
  scratchDir: string
  /** The container properties that make the ejabberd-dump module talk to this node. */
  properties: Record<string, string>
  /** Runs `ejabberdctl ARGS` against this node. */
  ctl(args: readonly string[]): Promise<string>
  start(): Promise<void>
  stop(): Promise<void>
  /** Kills the node's Erlang VM with SIGKILL, as a crash ends it; start brings it back. */
  kill(): Promise<void>
  /** Stops the node and its private epmd and removes the temp dir. */
  destroy(): Promise<void>
}

/** Starts an ejabberd node (as the `ejabberd` account) with its own config, spool dir, node name and epmd port. */
export async function startEjabberd(): Promise<EjabberdServer> {
  const owner = account('ejabberd')
  const dir = await sharedTempDir('disnix-ejabberd-')
  const confDir = await ownedDir(join(dir, 'conf'), owner)
  const spoolDir = await ownedDir(join(dir, 'spool'), owner)
  const logsDir = await ownedDir(join(dir, 'logs'), owner)
  const scratchDir = await ownedDir(join(dir, 'scratch'), owner)
  const epmdPort = await freePort()
  const node = `disnixtest${process.pid}x${epmdPort}@localhost`
  await writeFile(
    join(confDir, 'ejabberd.yml'),
    [
      'hosts:',
      '  - localhost',
      'loglevel: warning',
      'listen: []',
      'auth_method: internal',
      'default_db: mnesia',
      'acl:',
      '  admin:',
      '    user: admin@localhost',
      'access_rules:',
      '  local:',
      '    allow: all',
      'modules:',
      '  mod_roster: {}',
      '  mod_vcard: {}',
      '',
    ].join('\n'),
  )
  // ejabberdctl sources this file; the private epmd port keeps this node apart from any other.
  await writeFile(join(confDir, 'ejabberdctl.cfg'), `ERLANG_NODE=${node}\nexport ERL_EPMD_PORT=${epmdPort}\n`)
  await copyFile('/etc/ejabberd/inetrc', join(confDir, 'inetrc'))
  const properties = {
    ejabberdUser: 'ejabberd',
    ejabberdConfigDir: confDir,
    ejabberdConfig: join(confDir, 'ejabberd.yml'),
    ejabberdCtlConfig: join(confDir, 'ejabberdctl.cfg'),
    ejabberdSpoolDir: spoolDir,
    ejabberdLogsDir: logsDir,
  }
  const ctlArgs = ['--config-dir', confDir, '--config', properties.ejabberdConfig, '--ctl-config', properties.ejabberdCtlConfig, '--spool', spoolDir, '--logs', logsDir]
  const ctl = async (args: readonly string[]): Promise<string> => {
    const result = await execa('ejabberdctl', [...ctlArgs, ...args], { cwd: dir, env: { ERL_EPMD_PORT: String(epmdPort) } })
    return result.stdout
  }
  const start = async (): Promise<void> => {
    await ctl(['start'])
    await waitUntil('ejabberd', () => ctl(['status']), 300, join(logsDir, 'ejabberd.log'))
  }
  const stop = async (): Promise<void> => {
    await ctl(['stop']).catch(() => undefined)
    await ctl(['stopped']).catch(() => undefined)
  }
  await start()
  return {
    dir,
    spoolDir,
    logsDir,
    scratchDir,
    properties,
    ctl,
    start,
    stop,
    async kill() {
      // The node name is unique to this server (process id and epmd port).
      await execa('pkill', ['-KILL', '-f', `name ${node}`], { reject: false })
      for (let i = 0; i < 100 && (await execa('pgrep', ['-f', `name ${node}`], { reject: false })).exitCode === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async destroy() {
      await stop()
      await execa('epmd', ['-kill'], { env: { ERL_EPMD_PORT: String(epmdPort) }, reject: false })
      await rm(dir, { recursive: true, force: true })
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Running modules and looking at the snapshot store

export interface ModuleResult {
  stdout: string
  stderr: string
  exitCode: number
}

/**
 * Runs a bundled module as Dysnomia does in container-file mode: `MODULE OP COMPONENT CONTAINER`
 * with only PATH, DYSNOMIA_STATEDIR and the container properties in its environment.
 */
export async function runModule(
  module: string,
  operation: string,
  component: string,
  env: Record<string, string>,
  options: { container?: string; path?: string } = {},
): Promise<ModuleResult> {
  const args = [operation, component]
  if (options.container !== undefined) args.push(options.container)
  const result = await execa(join(bundledModulesDir(), module), args, {
    env: { PATH: options.path ?? process.env.PATH ?? '/usr/bin:/bin', ...env },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    timeout: 120_000,
  })
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? -1 }
}

/** Snapshot ids that generations 1..N of a component point to, in generation order. */
export async function generations(stateDir: string, container: string, component: string): Promise<string[]> {
  const dir = join(stateDir, 'generations', container, component)
  const entries = await readdir(dir).catch(() => [] as string[])
  const numbers = entries.filter((e) => /^\d+$/.test(e)).map(Number).sort((a, b) => a - b)
  const ids: string[] = []
  for (const n of numbers) {
    const target = await readlink(join(dir, String(n)))
    ids.push(target.split('/').pop() ?? '')
  }
  return ids
}

/** Absolute path of the snapshot the latest generation refers to. */
export async function latestSnapshot(stateDir: string, container: string, component: string): Promise<string> {
  const ids = await generations(stateDir, container, component)
  const last = ids.at(-1)
  if (last === undefined) throw new Error(`no generations for ${container}/${component}`)
  return join(stateDir, 'snapshots', container, component, last)
}

/** Creates a component directory `<parent>/<name>` with the given files (relative path → content). */
export async function makeComponent(parent: string, name: string, files: Record<string, string>): Promise<string> {
  const dir = join(parent, name)
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path)
    await mkdir(join(full, '..'), { recursive: true, mode: 0o755 })
    await writeFile(full, content, { mode: 0o644 })
  }
  await mkdir(dir, { recursive: true })
  return dir
}

/**
 * Runs `fn` while sampling the argv of every process on the machine; returns the argvs that contain
 * `secret` (there must be none). Together with the recorded argvs of the clients this shows that
 * credentials never reach a command line.
 */
export async function argvLeaks<T>(secret: string, fn: () => Promise<T>): Promise<{ result: T; leaks: string[] }> {
  const leaks = new Set<string>()
  let running = true
  const sampler = (async () => {
    while (running) {
      const pids = await readdir('/proc').catch(() => [] as string[])
      for (const pid of pids) {
        if (!/^\d+$/.test(pid)) continue
        const cmdline = await readFile(join('/proc', pid, 'cmdline'), 'utf8').catch(() => '')
        if (cmdline.includes(secret)) leaks.add(cmdline.split('\0').join(' '))
      }
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  })()
  try {
    const result = await fn()
    return { result, leaks: [...leaks] }
  } finally {
    running = false
    await sampler
  }
}

/**
 * Makes a directory of wrappers that log their argv (one JSON array per line to `log`) and then run
 * the real program. Put it first on PATH to see the exact commands a module runs.
 */
export async function recordingWrappers(dir: string, programs: readonly string[], log: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o755 })
  await chmod(dir, 0o755)
  await writeFile(log, '', { mode: 0o666 })
  await chmod(log, 0o666)
  for (const program of programs) {
    const real = execFileSync('bash', ['-c', 'command -v -- "$1"', 'bash', program], { encoding: 'utf8' }).trim()
    const script = [
      '#!/bin/bash',
      `log=${JSON.stringify(log)}`,
      'json="[\\"$(basename "$0")\\""',
      'for a in "$@"; do a="${a//\\\\/\\\\\\\\}"; a="${a//\\"/\\\\\\"}"; json+=",\\"$a\\""; done',
      'printf \'%s]\\n\' "$json" >> "$log"',
      `exec ${JSON.stringify(real)} "$@"`,
      '',
    ].join('\n')
    await writeFile(join(dir, program), script, { mode: 0o755 })
  }
  return dir
}

/** The argvs recorded by recordingWrappers. */
export async function recordedCalls(log: string): Promise<string[][]> {
  const text = await readFile(log, 'utf8')
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as string[])
}

// ---------------------------------------------------------------------------------------------
// Stand-ins for clients of servers that cannot run here (MongoDB, SQL Server)

export interface StandIn {
  /** Read stdin and record it (for clients the module pipes a script into). */
  stdin?: boolean
  /** Environment variables whose values are recorded (to see how credentials travel). */
  env?: readonly string[]
  /** Bash run after recording, with the arguments in "$@" (e.g. to write files a dump tool writes). */
  script?: string
}

export interface StandInCall {
  argv: string[]
  stdin?: string
  env: Record<string, string | undefined>
}

/**
 * Writes stand-in executables into `dir` (put it first on PATH). Each call is recorded as
 * call.<n>.argv (one argument per line, NUL-free test values) plus stdin and env; then it prints
 * `<dir>/<name>.reply` if present and exits with `<dir>/<name>.status` (default 0).
 */
export async function standIns(dir: string, tools: Record<string, StandIn>): Promise<string> {
  await mkdir(dir, { recursive: true })
  for (const [name, tool] of Object.entries(tools)) {
    const lines = [
      '#!/bin/bash',
      'set -e',
      `dir=${JSON.stringify(dir)}`,
      'n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))',
      'echo "$n" > "$dir/count"',
      'printf "%s\\0" "$(basename "$0")" "$@" > "$dir/call.$n.argv"',
      ...(tool.stdin ? ['cat > "$dir/call.$n.stdin"'] : []),
      ': > "$dir/call.$n.env"',
      ...(tool.env ?? []).map((v) => `if [ -n "\${${v}+x}" ]; then printf '%s=%s\\0' ${v} "$${v}" >> "$dir/call.$n.env"; fi`),
      tool.script ?? '',
      'name="$(basename "$0")"',
      'if [ -f "$dir/$name.reply" ]; then cat "$dir/$name.reply"; fi',
      'if [ -f "$dir/$name.stderr" ]; then cat "$dir/$name.stderr" >&2; fi',
      'exit "$(cat "$dir/$name.status" 2>/dev/null || echo 0)"',
      '',
    ]
    await writeFile(join(dir, name), lines.join('\n'), { mode: 0o755 })
  }
  return dir
}

/** The calls recorded by standIns since the last reset, in order; resets the record. */
export async function takeStandInCalls(dir: string): Promise<StandInCall[]> {
  const count = Number(await readFile(join(dir, 'count'), 'utf8').catch(() => '0'))
  const calls: StandInCall[] = []
  for (let n = 1; n <= count; n++) {
    const argv = (await readFile(join(dir, `call.${n}.argv`), 'utf8')).split('\0').slice(0, -1)
    const stdin = await readFile(join(dir, `call.${n}.stdin`), 'utf8').catch(() => undefined)
    const envText = await readFile(join(dir, `call.${n}.env`), 'utf8').catch(() => '')
    const env: Record<string, string> = {}
    for (const entry of envText.split('\0').filter((e) => e !== '')) {
      const eq = entry.indexOf('=')
      env[entry.slice(0, eq)] = entry.slice(eq + 1)
    }
    calls.push(stdin === undefined ? { argv, env } : { argv, stdin, env })
    await rm(join(dir, `call.${n}.argv`), { force: true })
    await rm(join(dir, `call.${n}.stdin`), { force: true })
    await rm(join(dir, `call.${n}.env`), { force: true })
  }
  await rm(join(dir, 'count'), { force: true })
  return calls
}
