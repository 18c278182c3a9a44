import { join } from 'node:path'
import { execa } from 'execa'
import { put } from './files.js'
import { sharedTempDir, startServerProcess, type Server } from './server-process.js'

export interface Supervisord extends Server {
  configFile: string
  /** The directory supervisord includes ([include] files=<confDir>/*.conf). */
  confDir: string
  /** `supervisorctl status` of one program, e.g. "RUNNING" (null: unknown to supervisord). */
  status(program: string): Promise<string | null>
}

/** supervisord in the foreground, with its control socket, PID file and logs in its own dir. */
export async function startSupervisord(): Promise<Supervisord> {
  const dir = await sharedTempDir('disnix-supervisord-')
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
  const ctl = (...args: string[]) => execa('supervisorctl', ['-c', configFile, ...args], { reject: false })
  const server = await startServerProcess({
    name: 'supervisord',
    dir,
    file: 'supervisord',
    args: ['-n', '-c', configFile],
    options: { stdout: 'ignore', stderr: 'ignore' },
    ready: async () => (await ctl('pid')).exitCode === 0,
    logs: [log],
  })
  return {
    dir,
    configFile,
    confDir,
    async status(program) {
      const result = await ctl('status', program)
      const match = /^\S+\s+([A-Z]+)/.exec(String(result.stdout))
      return /no such process/i.test(String(result.stdout)) || !match ? null : (match[1] ?? null)
    },
    ...server,
  }
}
