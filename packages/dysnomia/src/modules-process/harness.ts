// Test-only helpers for the process-manager and web-container modules' tests: running a bundled
// module the way dysnomia does, components in temp dirs, polling, HTTP, users. Not exported from
// the package index.
import { randomBytes } from 'node:crypto'
import { chmod, lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { onTestFinished } from 'vitest'

export interface ModuleResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs `modules/<name> OPERATION COMPONENT [CONTAINER]` with only `env` (+ PATH) in its environment, as dysnomia's file mode does. */
export async function runModule(
  name: string,
  operation: string,
  component: string,
  env: Record<string, string>,
  container?: string,
): Promise<ModuleResult> {
  const args = container === undefined ? [operation, component] : [operation, component, container]
  const result = await execa(join(bundledModulesDir(), name), args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 90_000,
  })
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) }
}

/** A temp dir that other local users (server accounts, component users) may enter; removed after the test. */
export async function worldDir(prefix = 'disnix-proc-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  await chmod(dir, 0o755)
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Writes a file (creating its parent dirs, readable by everybody); `mode` 0o755 makes it executable. */
export async function put(path: string, text: string, mode = 0o644): Promise<string> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 })
  await writeFile(path, text)
  await chmod(path, mode)
  return path
}

export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  )
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

export interface HttpReply {
  status: number
  body: string
}

/** GET over HTTP; a refused connection gives status 0. */
export async function httpGet(url: string): Promise<HttpReply> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) })
    return { status: response.status, body: await response.text() }
  } catch (error) {
    if (error instanceof TypeError) return { status: 0, body: String(error.cause ?? error) }
    throw error
  }
}

/** Sends one line to a TCP port on loopback and returns everything the server answers (null: refused). */
export async function tcpExchange(port: number, line: string): Promise<string | null> {
  const { connect } = await import('node:net')
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let data = ''
    socket.setTimeout(5_000, () => socket.destroy())
    socket.on('connect', () => socket.end(`${line}\n`))
    socket.on('data', (chunk) => (data += chunk.toString()))
    socket.on('error', () => resolve(null))
    socket.on('close', () => resolve(data))
  })
}

/** Command names (comm) of the processes of `user` (none: empty). */
export async function processesOf(user: string): Promise<string[]> {
  const result = await execa('pgrep', ['-u', user, '-l'], { reject: false })
  return String(result.stdout)
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[1] ?? '')
}

/** PIDs whose full command line matches the regex `pattern`. */
export async function pidsMatching(pattern: string): Promise<number[]> {
  const result = await execa('pgrep', ['-f', pattern], { reject: false })
  return String(result.stdout).split('\n').filter(Boolean).map(Number)
}

export async function userExists(user: string): Promise<boolean> {
  return (await execa('id', ['-u', user], { reject: false })).exitCode === 0
}

export async function groupExists(group: string): Promise<boolean> {
  return (await execa('getent', ['group', group], { reject: false })).exitCode === 0
}

/**
 * A unique user and group name for this test, with dysnomia-support files in `component`, and a
 * clean-up that kills its processes and removes both whatever the test did.
 */
export async function declareUser(component: string): Promise<string> {
  const name = `dxp${randomBytes(3).toString('hex')}`
  await put(join(component, 'dysnomia-support', 'groups', name), '')
  await put(join(component, 'dysnomia-support', 'users', name), `group=${name}\ndescription="disnix-ts test user"\n`)
  onTestFinished(async () => {
    await execa('pkill', ['-KILL', '-u', name], { reject: false })
    await execa('userdel', [name], { reject: false })
    await execa('groupdel', [name], { reject: false })
  })
  return name
}

/** Kills the process whose PID is in `pidFile` (if any) when the test finishes. */
export function killPidFileOnFinish(pidFile: string): void {
  onTestFinished(async () => {
    const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''))
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
      }
    }
  })
}
