import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { put } from './files.js'
import { sharedTempDir, startServerProcess, type Server } from './server-process.js'

export interface Xinetd extends Server {
  pidFile: string
  /** The directory xinetd includes (includedir). */
  includeDir: string
}

/** xinetd in the foreground with its own configuration, include dir, PID file and log. */
export async function startXinetd(): Promise<Xinetd> {
  const dir = await sharedTempDir('disnix-xinetd-')
  const includeDir = join(dir, 'xinetd.d')
  const pidFile = join(dir, 'xinetd.pid')
  const log = join(dir, 'xinetd.log')
  const configFile = await put(
    join(dir, 'xinetd.conf'),
    ['defaults', '{', `    log_type = FILE ${log}`, '    instances = 20', '}', `includedir ${includeDir}`, ''].join('\n'),
  )
  await put(join(includeDir, 'README'), '# xinetd needs an existing includedir\n')
  const server = await startServerProcess({
    name: 'xinetd',
    dir,
    file: 'xinetd',
    // -stayalive: without it xinetd exits when it has no service to offer.
    args: ['-dontfork', '-stayalive', '-f', configFile, '-pidfile', pidFile],
    options: { stdout: { file: log }, stderr: { file: log } },
    ready: async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim() !== '',
    logs: [log],
  })
  return { dir, pidFile, includeDir, ...server }
}
