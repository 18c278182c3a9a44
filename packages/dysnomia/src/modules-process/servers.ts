// Test-only servers for the process-manager and web-container modules' tests: each is a real
// server of Debian's packages started by the test itself, with its own configuration, sockets, PID
// files and logs in a temp dir and, where it listens, a free loopback port. Not exported from the
// package index.
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa, type ResultPromise } from 'execa'
import { freePort, httpGet, put, waitFor } from './harness.js'

export interface Server {
  /** The server's temp dir (configuration, logs, runtime files). */
  dir: string
  stop(): Promise<void>
  /** Kills the server with SIGKILL, as a crash would end it (its files stay until stop). */
  kill(): Promise<void>
}

/** The server's own temp dir, enterable by other users (server and component accounts); `stop` removes it. */
async function serverDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  await chmod(dir, 0o755)
  return dir
}

/** Stops the server process, then removes its dir. */
function stopper(child: ResultPromise, dir: string): () => Promise<void> {
  return async () => {
    await stopChild(child)
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Kills the server process and everything it started (nginx's and Apache's workers, Tomcat's JVM
 * under catalina.sh) with SIGKILL, the parent first so that it cannot replace a worker, and waits
 * until the parent is gone.
 */
function killer(child: ResultPromise): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
    const tree = await descendants(child.pid)
    const done = child.catch(() => undefined)
    child.kill('SIGKILL')
    for (const pid of tree) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
      }
    }
    await done
  }
}

async function descendants(pid: number): Promise<number[]> {
  const result = await execa('pgrep', ['-P', String(pid)], { reject: false })
  const children = String(result.stdout).split('\n').filter(Boolean).map(Number)
  const all = [...children]
  for (const child of children) all.push(...(await descendants(child)))
  return all
}

async function stopChild(child: ResultPromise): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const done = child.catch(() => undefined)
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await done
  clearTimeout(timer)
}

async function tail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '')
  return text.split('\n').slice(-20).join('\n')
}

async function started(what: string, child: ResultPromise, dir: string, probe: () => Promise<boolean>, log: string, timeoutMs = 20_000): Promise<void> {
  try {
    await waitFor(what, async () => {
      if (child.exitCode !== null) throw new Error(`${what} exited with status ${child.exitCode}`)
      return probe()
    }, timeoutMs)
  } catch (error) {
    await stopChild(child)
    const message = `${String(error)}\n${await tail(log)}\n${await tail(join(dirname(log), 'stderr.log'))}`
    // The server's dir holds the log; it goes once the message has it.
    await rm(dir, { recursive: true, force: true })
    throw new Error(message)
  }
}

// ---------------------------------------------------------------------------------------------
// supervisord

export interface Supervisord extends Server {
  configFile: string
  /** The directory supervisord includes ([include] files=<confDir>/*.conf). */
  confDir: string
  /** `supervisorctl status` of one program, e.g. "RUNNING" (null: unknown to supervisord). */
  status(program: string): Promise<string | null>
}

export async function startSupervisord(): Promise<Supervisord> {
  const dir = await serverDir('disnix-supervisord-')
  const confDir = join(dir, 'conf.d')
  const log = join(dir, 'supervisord.log')
  const configFile = await put(
    join(dir, 'supervisord.conf'),
    [
      '[unix_http_server]',
      `file=${join(dir, 'supervisor.sock')}`,
      '[supervisord]',
      `logfile=${log}`,
      `pidfile=${join(dir, 'supervisord.pid')}`,
      `childlogdir=${dir}`,
      '[rpcinterface:supervisor]',
      'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
      '[supervisorctl]',
      `serverurl=unix://${join(dir, 'supervisor.sock')}`,
      '[include]',
      `files=${confDir}/*.conf`,
      '',
    ].join('\n'),
  )
  const child = execa('supervisord', ['-n', '-c', configFile], { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' })
  const ctl = (...args: string[]) => execa('supervisorctl', ['-c', configFile, ...args], { reject: false })
  await started('supervisord', child, dir, async () => (await ctl('pid')).exitCode === 0, log)
  return {
    dir,
    configFile,
    confDir,
    async status(program) {
      const result = await ctl('status', program)
      const match = /^\S+\s+([A-Z]+)/.exec(String(result.stdout))
      return /no such process/i.test(String(result.stdout)) || !match ? null : (match[1] ?? null)
    },
    stop: stopper(child, dir),
    kill: killer(child),
  }
}

// ---------------------------------------------------------------------------------------------
// xinetd

export interface Xinetd extends Server {
  pidFile: string
  /** The directory xinetd includes (includedir). */
  includeDir: string
}

export async function startXinetd(): Promise<Xinetd> {
  const dir = await serverDir('disnix-xinetd-')
  const includeDir = join(dir, 'xinetd.d')
  const pidFile = join(dir, 'xinetd.pid')
  const log = join(dir, 'xinetd.log')
  const configFile = await put(
    join(dir, 'xinetd.conf'),
    ['defaults', '{', `    log_type = FILE ${log}`, '    instances = 20', '}', `includedir ${includeDir}`, ''].join('\n'),
  )
  await put(join(includeDir, 'README'), '# xinetd needs an existing includedir\n')
  // -stayalive: without it xinetd exits when it has no service to offer.
  const child = execa('xinetd', ['-dontfork', '-stayalive', '-f', configFile, '-pidfile', pidFile], {
    reject: false,
    stdin: 'ignore',
    stdout: { file: log },
    stderr: { file: log },
  })
  await started('xinetd', child, dir, async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim() !== '', log)
  return { dir, pidFile, includeDir, stop: stopper(child, dir), kill: killer(child) }
}

// ---------------------------------------------------------------------------------------------
// nginx

export interface WebServer extends Server {
  port: number
  documentRoot: string
}

export async function startNginx(): Promise<WebServer> {
  const dir = await serverDir('disnix-nginx-')
  const documentRoot = join(dir, 'www')
  await put(join(documentRoot, 'index.html'), '<p>It works</p>\n')
  const port = await freePort()
  const log = join(dir, 'error.log')
  const configFile = await put(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${log};`,
      'events { worker_connections 64; }',
      'http {',
      `  access_log ${join(dir, 'access.log')};`,
      `  client_body_temp_path ${join(dir, 'body')};`,
      `  proxy_temp_path ${join(dir, 'proxy')};`,
      `  fastcgi_temp_path ${join(dir, 'fastcgi')};`,
      `  uwsgi_temp_path ${join(dir, 'uwsgi')};`,
      `  scgi_temp_path ${join(dir, 'scgi')};`,
      `  server { listen 127.0.0.1:${port}; root ${documentRoot}; }`,
      '}',
      '',
    ].join('\n'),
  )
  const child = execa('nginx', ['-c', configFile, '-p', dir, '-e', log], { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: { file: join(dir, 'stderr.log') } })
  await started('nginx', child, dir, async () => (await httpGet(`http://127.0.0.1:${port}/`)).status !== 0, log)
  return { dir, port, documentRoot, stop: stopper(child, dir), kill: killer(child) }
}

// ---------------------------------------------------------------------------------------------
// Apache httpd

export async function startApache(): Promise<WebServer> {
  const dir = await serverDir('disnix-apache-')
  const documentRoot = join(dir, 'www')
  await put(join(documentRoot, 'index.html'), '<p>It works</p>\n')
  const port = await freePort()
  const log = join(dir, 'error.log')
  const modules = '/usr/lib/apache2/modules'
  const configFile = await put(
    join(dir, 'httpd.conf'),
    [
      `LoadModule mpm_event_module ${modules}/mod_mpm_event.so`,
      `LoadModule authz_core_module ${modules}/mod_authz_core.so`,
      `LoadModule dir_module ${modules}/mod_dir.so`,
      `LoadModule mime_module ${modules}/mod_mime.so`,
      `ServerRoot ${dir}`,
      'ServerName localhost',
      'TypesConfig /etc/mime.types',
      `Listen 127.0.0.1:${port}`,
      `PidFile ${join(dir, 'httpd.pid')}`,
      `DefaultRuntimeDir ${dir}`,
      `Mutex file:${dir} default`,
      `ErrorLog ${log}`,
      'User www-data',
      'Group www-data',
      'StartServers 1',
      'ServerLimit 1',
      'ThreadsPerChild 8',
      'MaxRequestWorkers 8',
      `DocumentRoot ${documentRoot}`,
      `<Directory ${documentRoot}>`,
      '  Options FollowSymLinks',
      '  Require all granted',
      '</Directory>',
      '',
    ].join('\n'),
  )
  const child = execa('apache2', ['-f', configFile, '-DFOREGROUND'], { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: { file: join(dir, 'stderr.log') } })
  await started('apache2', child, dir, async () => (await httpGet(`http://127.0.0.1:${port}/`)).status !== 0, log)
  return {
    dir,
    port,
    documentRoot,
    // SIGTERM stops the children too; apache2 refuses to die on SIGTERM only while it starts.
    stop: stopper(child, dir),
    kill: killer(child),
  }
}

// ---------------------------------------------------------------------------------------------
// Apache Tomcat 10

export interface Tomcat extends WebServer {
  catalinaBase: string
}

const catalinaHome = '/usr/share/tomcat10'

/** Starts Tomcat 10 with its own CATALINA_BASE in a temp dir; redeployment is checked every second. */
export async function startTomcat(): Promise<Tomcat> {
  const dir = await serverDir('disnix-tomcat-')
  const catalinaBase = join(dir, 'base')
  const port = await freePort()
  const log = join(catalinaBase, 'logs', 'catalina.out')
  for (const sub of ['logs', 'temp', 'work', 'webapps']) await put(join(catalinaBase, sub, '.keep'), '')
  await put(
    join(catalinaBase, 'conf', 'server.xml'),
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<Server port="-1" shutdown="SHUTDOWN">',
      '  <Service name="Catalina">',
      `    <Connector address="127.0.0.1" port="${port}" protocol="HTTP/1.1" connectionTimeout="20000"/>`,
      '    <Engine name="Catalina" defaultHost="localhost" backgroundProcessorDelay="1">',
      '      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="true"/>',
      '    </Engine>',
      '  </Service>',
      '</Server>',
      '',
    ].join('\n'),
  )
  for (const file of ['web.xml', 'logging.properties', 'catalina.properties', 'context.xml']) {
    await put(join(catalinaBase, 'conf', file), await readFile(join('/etc/tomcat10', file), 'utf8'))
  }
  const child = execa(join(catalinaHome, 'bin', 'catalina.sh'), ['run'], {
    env: { CATALINA_HOME: catalinaHome, CATALINA_BASE: catalinaBase, CATALINA_TMPDIR: join(catalinaBase, 'temp'), JAVA_OPTS: '-Xss1m -XX:TieredStopAtLevel=1 -Xshare:auto' },
    reject: false,
    stdin: 'ignore',
    stdout: { file: log },
    stderr: { file: log },
  })
  await started('tomcat', child, dir, async () => (await httpGet(`http://127.0.0.1:${port}/`)).status !== 0, log, 90_000)
  return { dir, port, catalinaBase, documentRoot: join(catalinaBase, 'webapps'), stop: stopper(child, dir), kill: killer(child) }
}
