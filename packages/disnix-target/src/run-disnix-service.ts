import { fork } from 'node:child_process'
import { open, unlink } from 'node:fs/promises'
import { hostname, userInfo } from 'node:os'
import type { Writable } from 'node:stream'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { targetProfileDir } from '@disnix-ts/libnix'
import { startDisnixService } from './service-server.js'

export interface RunDisnixServiceOptions {
  daemon?: boolean
  daemonChild?: boolean
  socket: string
  logDir: string
  pidFile: string
  logFile: string
  group: string
  /** The launcher script and its arguments (process.argv without node), to start the daemon. */
  argv: readonly string[]
  env: NodeJS.ProcessEnv
  /** The general log in the foreground. */
  stderr: Writable
}

/**
 * The disnix-service process: in the foreground it serves until SIGTERM/SIGINT; with --daemon it
 * starts a detached copy of itself (new session, cwd /, stdio to the log file), waits until that
 * copy listens or fails, reports, and returns.
 */
export async function runDisnixService(options: RunDisnixServiceOptions): Promise<number> {
  if (options.daemon && !options.daemonChild) return launchDaemon(options)
  const log = (line: string) => options.stderr.write(`${line}\n`)
  if (options.daemonChild) {
    process.chdir('/')
    await writePidFile(options.pidFile)
  }
  let service
  try {
    service = await startDisnixService({
      socketPath: options.socket,
      logDir: options.logDir,
      group: options.group,
      log,
      target: {
        tmpdir: options.env.TMPDIR || '/tmp',
        profileDir: targetProfileDir({ uid: userInfo().uid, name: userInfo().username }),
        hostname: hostname(),
        env: options.env,
      },
    })
  } catch (error) {
    if (options.daemonChild) await unlink(options.pidFile).catch(() => undefined)
    throw error
  }
  log('The Disnix service is running!')
  process.send?.({ ready: true })
  if (process.connected) process.disconnect()
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve())
    process.once('SIGINT', () => resolve())
  })
  log('Stopping the Disnix service')
  await service.close()
  if (options.daemonChild) await unlink(options.pidFile).catch(() => undefined)
  return 0
}

async function launchDaemon(options: RunDisnixServiceOptions): Promise<number> {
  const [script, ...args] = options.argv
  if (script === undefined) throw new Error('disnix-service: cannot tell which script to start as the daemon')
  const logHandle = await open(options.logFile, 'a', 0o644)
  try {
    const child = fork(script, [...args.filter((a) => a !== '-D' && a !== '--daemon'), '--daemon-child'], {
      cwd: '/',
      detached: true,
      env: options.env,
      stdio: ['ignore', logHandle.fd, logHandle.fd, 'ipc'],
    })
    const outcome = await new Promise<'ready' | number>((resolve) => {
      child.once('message', () => resolve('ready'))
      child.once('exit', (code) => resolve(code ?? 1))
    })
    if (outcome !== 'ready') {
      throw new DisnixError('SERVICE_START_FAILED', `The Disnix service could not be started (exit status ${outcome}); see ${options.logFile}`)
    }
    child.unref()
    child.disconnect()
    options.stderr.write(`The Disnix service is running! (PID ${child.pid}, log ${options.logFile})\n`)
    return 0
  } finally {
    await logHandle.close()
  }
}

async function writePidFile(pidFile: string): Promise<void> {
  try {
    const handle = await open(pidFile, 'wx', 0o644)
    await handle.write(`${process.pid}\n`)
    await handle.close()
  } catch (error) {
    if (hasErrorCode(error, 'EEXIST')) {
      throw new DisnixError('PID_FILE_EXISTS', `Cannot create PID file: ${pidFile} already exists (is disnix-service running already?)`, {
        hint: `remove ${pidFile} if no disnix-service is running`,
      })
    }
    throw error
  }
}
