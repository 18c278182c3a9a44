// What every test server does: a temp dir of its own that the server's account may enter, free
// loopback ports, a process started by the test and waited for until it really serves, and a stop
// that ends it (or a kill that ends it as a crash would) and removes its files.
import { execFileSync } from 'node:child_process'
import { chmod, chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa, type Options, type ResultPromise } from 'execa'
import { onTestFinished } from 'vitest'

/** A server started by a test. */
export interface Server {
  /** The server's temp dir (configuration, data, sockets, logs). */
  dir: string
  /** Stops the server and removes its dir. */
  stop(): Promise<void>
  /** Kills the server and everything it started with SIGKILL, as a crash would end it; its files stay until stop. */
  kill(): Promise<void>
}

/** A temp dir that other local users (server accounts, component users) may enter; remove it yourself (afterAll). */
export async function sharedTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  await chmod(dir, 0o755)
  return dir
}

/** A temp dir as sharedTempDir, removed when the current test finishes. */
export async function sharedTestDir(prefix = 'disnix-proc-'): Promise<string> {
  const dir = await sharedTempDir(prefix)
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

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

/** Polls `probe` until it returns true, 100 ms apart, for at most `timeoutMs`; throws naming `what`. */
export async function waitFor(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await probe()) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export interface Account {
  uid: number
  gid: number
}

/** The ids of a system account (a server's own: postgres, mysql, ejabberd). */
export function account(user: string): Account {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim())
  return { uid, gid }
}

/** A directory owned by `owner` (a server's data or socket dir). */
export async function ownedDir(path: string, owner: Account, mode = 0o755): Promise<string> {
  await mkdir(path, { recursive: true })
  await chown(path, owner.uid, owner.gid)
  await chmod(path, mode)
  return path
}

export interface ServerProcessOptions {
  /** What the server is called in a failure. */
  name: string
  /** The server's dir: removed by stop, and when it does not come up. */
  dir: string
  file: string
  args: readonly string[]
  /** Where its output goes, its account and environment (stdin is closed; its status is not an error). */
  options?: Options
  /** True once the server really serves (a query answered, a page served); a throw counts as not yet. */
  ready: () => Promise<boolean>
  /** The files whose last lines explain a server that did not come up. */
  logs: readonly string[]
  timeoutMs?: number
  /** The signal that stops it cleanly (PostgreSQL: SIGINT, its fast shutdown). */
  stopSignal?: NodeJS.Signals
}

/**
 * Starts a server in the foreground as a child of the test and waits until it serves. A server that
 * exits or does not answer within the time-out is stopped, its dir removed, and the error carries the
 * last lines of its logs.
 */
export async function startServerProcess(options: ServerProcessOptions): Promise<Omit<Server, 'dir'>> {
  const child = execa(options.file, [...options.args], { ...options.options, stdin: 'ignore', reject: false })
  let lastError: unknown
  try {
    await waitFor(
      options.name,
      async () => {
        if (child.exitCode !== null) throw new Error(`${options.name} exited with status ${child.exitCode}`)
        try {
          return await options.ready()
        } catch (error) {
          lastError = error
          return false
        }
      },
      options.timeoutMs,
    )
  } catch (error) {
    await stopChild(child, 'SIGTERM')
    const logs = await Promise.all(options.logs.map(tail))
    // The dir holds the logs; it goes once the message has them.
    await rm(options.dir, { recursive: true, force: true })
    const last = lastError === undefined ? '' : ` (last answer: ${String(lastError)})`
    throw new Error([`${String(error)}${last}`, ...logs].join('\n'))
  }
  return {
    async stop() {
      await stopChild(child, options.stopSignal ?? 'SIGTERM')
      await rm(options.dir, { recursive: true, force: true })
    },
    kill: () => killTree(child),
  }
}

/** Sends the stop signal and waits; a server still there after 20 s gets SIGKILL. */
async function stopChild(child: ResultPromise, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const done = child.catch(() => undefined)
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  await done
  clearTimeout(timer)
}

/**
 * Kills the server process and everything it started (nginx's and Apache's workers, Tomcat's JVM
 * under catalina.sh, PostgreSQL's backends) with SIGKILL, the parent first so that it cannot replace
 * a worker, and waits until the parent is gone.
 */
async function killTree(child: ResultPromise): Promise<void> {
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

async function descendants(pid: number): Promise<number[]> {
  const result = await execa('pgrep', ['-P', String(pid)], { reject: false })
  const children = String(result.stdout).split('\n').filter(Boolean).map(Number)
  const all = [...children]
  for (const child of children) all.push(...(await descendants(child)))
  return all
}

/** The last 30 lines of a log file, headed by its name (nothing for a missing or empty file). */
export async function tail(file: string): Promise<string> {
  const text = (await readFile(file, 'utf8').catch(() => '')).trimEnd()
  return text === '' ? '' : `--- ${file}\n${text.split('\n').slice(-30).join('\n')}`
}
