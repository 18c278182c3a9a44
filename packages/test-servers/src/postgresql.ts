import { execFileSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { account, freePort, ownedDir, sharedTempDir, startServerProcess, type Server } from './server-process.js'

export interface PostgresServer extends Server {
  socketDir: string
  port: number
  /** Runs SQL (stdin of psql, as the postgres superuser) in `database`; returns unaligned tuples-only output. */
  psql(sql: string, database?: string): Promise<string>
}

/**
 * A PostgreSQL server of Debian's package, run as the `postgres` account on a private socket dir and
 * a free port (no TCP listener). Password roles authenticate with scram-sha-256; the postgres
 * superuser stays trusted for the test's own queries.
 */
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
  await writeFile(join(dataDir, 'pg_hba.conf'), 'local all postgres trust\nlocal all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n')
  const psql = async (sql: string, database = 'postgres'): Promise<string> => {
    const result = await execa('psql', ['-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-U', 'postgres', '-d', database], {
      ...asPostgres,
      input: sql,
    })
    return result.stdout
  }
  const server = await startServerProcess({
    name: 'PostgreSQL',
    dir,
    file: join(bin, 'postgres'),
    args: ['-D', dataDir, '-k', socketDir, '-p', String(port), '-c', 'listen_addresses=', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
    options: { ...asPostgres, stdout: { file: logFile }, stderr: { file: logFile } },
    ready: async () => (await psql('SELECT 1')) === '1',
    logs: [logFile],
    stopSignal: 'SIGINT',
  })
  return { dir, socketDir, port, psql, ...server }
}
