import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { put } from './files.js'
import { answersHttp, type WebServer } from './http.js'
import { freePort, sharedTempDir, startServerProcess } from './server-process.js'

export interface Tomcat extends WebServer {
  catalinaBase: string
}

const CATALINA_HOME = '/usr/share/tomcat10'

/**
 * Tomcat 10 (Debian's package, `catalina.sh run`) with its own CATALINA_BASE in a temp dir and one
 * HTTP connector on a free loopback port; the documentRoot is its webapps dir, and redeployment is
 * checked every second.
 */
export async function startTomcat(): Promise<Tomcat> {
  const dir = await sharedTempDir('disnix-tomcat-')
  const catalinaBase = join(dir, 'base')
  const port = await freePort()
  const log = join(catalinaBase, 'logs', 'catalina.out')
  for (const sub of ['logs', 'temp', 'work', 'webapps']) await put(join(catalinaBase, sub, '.keep'), '')
  await put(
    join(catalinaBase, 'conf', 'server.xml'),
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<Server port="-1" shutdown="SHUTDOWN">',
      '  <Service name="Catalina">',
      `    <Connector address="127.0.0.1" port="${port}" protocol="HTTP/1.1" connectionTimeout="20000"/>`,
      '    <Engine name="Catalina" defaultHost="localhost" backgroundProcessorDelay="1">',
      '      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="true"/>',
      '    </Engine>',
      '  </Service>',
      '</Server>',
      '',
    ].join('\n'),
  )
  for (const file of ['web.xml', 'logging.properties', 'catalina.properties', 'context.xml']) {
    await put(join(catalinaBase, 'conf', file), await readFile(join('/etc/tomcat10', file), 'utf8'))
  }
  const server = await startServerProcess({
    name: 'tomcat',
    dir,
    file: join(CATALINA_HOME, 'bin', 'catalina.sh'),
    args: ['run'],
    options: {
      env: { CATALINA_HOME, CATALINA_BASE: catalinaBase, CATALINA_TMPDIR: join(catalinaBase, 'temp'), JAVA_OPTS: '-Xss1m -XX:TieredStopAtLevel=1 -Xshare:auto' },
      stdout: { file: log },
      stderr: { file: log },
    },
    ready: () => answersHttp(port),
    logs: [log],
    timeoutMs: 90_000,
  })
  return { dir, port, catalinaBase, documentRoot: join(catalinaBase, 'webapps'), ...server }
}
