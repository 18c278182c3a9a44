import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { account, freePort, ownedDir, sharedTempDir, startServerProcess, type Server } from './server-process.js'

export interface MariadbServer extends Server {
  socket: string
  port: number
  rootPassword: string
  /** Runs SQL as root (password in an option file) and returns the batch output without headers. */
  query(sql: string, database?: string): Promise<string>
}

/** A MariaDB server of Debian's package, run as the `mysql` account on a private socket and a free loopback port. */
export async function startMariadb(rootPassword: string): Promise<MariadbServer> {
  const owner = account('mysql')
  const dir = await sharedTempDir('disnix-mysql-')
  const dataDir = await ownedDir(join(dir, 'data'), owner, 0o700)
  const runDir = await ownedDir(join(dir, 'run'), owner)
  const socket = join(runDir, 'mysqld.sock')
  const port = await freePort()
  const logFile = join(dir, 'server.log')
  const optionFile = join(dir, 'root.cnf')
  await writeFile(optionFile, `[client]\nuser=root\nsocket=${socket}\n`, { mode: 0o600 })
  await execa('mariadb-install-db', ['--no-defaults', `--datadir=${dataDir}`, '--user=mysql', '--skip-test-db', '--auth-root-authentication-method=normal'])
  const server = await startServerProcess({
    name: 'MariaDB',
    dir,
    file: 'mariadbd',
    args: [
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
    options: { uid: owner.uid, gid: owner.gid, stdout: { file: logFile }, stderr: { file: logFile } },
    ready: async () => (await execa('mysql', [`--defaults-extra-file=${optionFile}`, '-N', '-e', 'SELECT 1'])).stdout === '1',
    logs: [logFile],
    timeoutMs: 30_000,
  })
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
    ...server,
  }
}
