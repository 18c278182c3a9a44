import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { freePort, sharedTempDir, startServerProcess, type Server } from './server-process.js'

export interface InfluxServer extends Server {
  httpPort: number
  rpcPort: number
  /** Runs an InfluxQL query with the influx CLI; returns its CSV output. */
  query(query: string, database?: string): Promise<string>
}

/** influxd (1.x) with its HTTP and backup/restore (RPC) endpoints on free loopback ports. */
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
  const query = async (q: string, database?: string): Promise<string> => {
    const args = ['-host', '127.0.0.1', '-port', String(httpPort), '-format', 'csv', '-execute', q]
    if (database !== undefined) args.push('-database', database)
    const result = await execa('influx', args)
    if (/^ERR:/m.test(result.stdout) || /^ERR:/m.test(result.stderr)) throw new Error(`influx: ${result.stdout}${result.stderr}`)
    return result.stdout
  }
  const server = await startServerProcess({
    name: 'InfluxDB',
    dir,
    file: 'influxd',
    args: ['run', '-config', config],
    options: { stdout: { file: logFile }, stderr: { file: logFile } },
    // The query throws until the server answers it.
    ready: () => query('SHOW DATABASES').then(() => true),
    logs: [logFile],
    timeoutMs: 30_000,
  })
  return { dir, httpPort, rpcPort, query, ...server }
}
