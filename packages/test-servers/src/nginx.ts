import { join } from 'node:path'
import { put } from './files.js'
import { answersHttp, type WebServer } from './http.js'
import { freePort, sharedTempDir, startServerProcess } from './server-process.js'

/** nginx in the foreground serving its own document root (www/, with an index.html) on a free loopback port. */
export async function startNginx(): Promise<WebServer> {
  const dir = await sharedTempDir('disnix-nginx-')
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
  const stderrLog = join(dir, 'stderr.log')
  const server = await startServerProcess({
    name: 'nginx',
    dir,
    file: 'nginx',
    args: ['-c', configFile, '-p', dir, '-e', log],
    options: { stdout: 'ignore', stderr: { file: stderrLog } },
    ready: () => answersHttp(port),
    logs: [log, stderrLog],
  })
  return { dir, port, documentRoot, ...server }
}
