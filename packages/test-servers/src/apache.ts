import { join } from 'node:path'
import { put } from './files.js'
import { answersHttp, type WebServer } from './http.js'
import { freePort, sharedTempDir, startServerProcess } from './server-process.js'

/**
 * Apache httpd (Debian's apache2, event MPM, one child) in the foreground serving its own document
 * root (www/, with an index.html) on a free loopback port; its workers run as www-data.
 */
export async function startApache(): Promise<WebServer> {
  const dir = await sharedTempDir('disnix-apache-')
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
  const stderrLog = join(dir, 'stderr.log')
  // SIGTERM (stop) ends the children too; apache2 ignores it only while it starts.
  const server = await startServerProcess({
    name: 'apache2',
    dir,
    file: 'apache2',
    args: ['-f', configFile, '-DFOREGROUND'],
    options: { stdout: 'ignore', stderr: { file: stderrLog } },
    ready: () => answersHttp(port),
    logs: [log, stderrLog],
  })
  return { dir, port, documentRoot, ...server }
}
