import { copyFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { account, freePort, ownedDir, sharedTempDir, tail, waitFor, type Server } from './server-process.js'

export interface EjabberdServer extends Server {
  spoolDir: string
  logsDir: string
  /** A directory the node can write files to (for `ejabberdctl dump`). */
  scratchDir: string
  /** The container properties that make the ejabberd-dump module talk to this node. */
  properties: Record<string, string>
  /** Runs `ejabberdctl ARGS` against this node. */
  ctl(args: readonly string[]): Promise<string>
  /** Stops the node (its spool dir stays); startNode brings it back. */
  stopNode(): Promise<void>
  startNode(): Promise<void>
}

/**
 * An ejabberd node of Debian's package (as the `ejabberd` account, started by ejabberdctl, which
 * daemonizes it) with its own config, spool dir, node name and epmd port, so that it is apart from
 * any other node. stop also ends its private epmd; kill ends the node's Erlang VM with SIGKILL.
 */
export async function startEjabberd(): Promise<EjabberdServer> {
  const owner = account('ejabberd')
  const dir = await sharedTempDir('disnix-ejabberd-')
  const confDir = await ownedDir(join(dir, 'conf'), owner)
  const spoolDir = await ownedDir(join(dir, 'spool'), owner)
  const logsDir = await ownedDir(join(dir, 'logs'), owner)
  const scratchDir = await ownedDir(join(dir, 'scratch'), owner)
  const epmdPort = await freePort()
  const node = `disnixtest${process.pid}x${epmdPort}@localhost`
  await writeFile(
    join(confDir, 'ejabberd.yml'),
    [
      'hosts:',
      '  - localhost',
      'loglevel: warning',
      'listen: []',
      'auth_method: internal',
      'default_db: mnesia',
      'acl:',
      '  admin:',
      '    user: admin@localhost',
      'access_rules:',
      '  local:',
      '    allow: all',
      'modules:',
      '  mod_roster: {}',
      '  mod_vcard: {}',
      '',
    ].join('\n'),
  )
  // ejabberdctl sources this file; the private epmd port keeps this node apart from any other.
  await writeFile(join(confDir, 'ejabberdctl.cfg'), `ERLANG_NODE=${node}\nexport ERL_EPMD_PORT=${epmdPort}\n`)
  await copyFile('/etc/ejabberd/inetrc', join(confDir, 'inetrc'))
  const properties = {
    ejabberdUser: 'ejabberd',
    ejabberdConfigDir: confDir,
    ejabberdConfig: join(confDir, 'ejabberd.yml'),
    ejabberdCtlConfig: join(confDir, 'ejabberdctl.cfg'),
    ejabberdSpoolDir: spoolDir,
    ejabberdLogsDir: logsDir,
  }
  const ctlArgs = ['--config-dir', confDir, '--config', properties.ejabberdConfig, '--ctl-config', properties.ejabberdCtlConfig, '--spool', spoolDir, '--logs', logsDir]
  const ctl = async (args: readonly string[]): Promise<string> => {
    const result = await execa('ejabberdctl', [...ctlArgs, ...args], { cwd: dir, env: { ERL_EPMD_PORT: String(epmdPort) } })
    return result.stdout
  }
  const startNode = async (): Promise<void> => {
    await ctl(['start'])
    try {
      await waitFor('ejabberd', () => ctl(['status']).then(() => true, () => false), 30_000)
    } catch (error) {
      throw new Error(`${String(error)}\n${await tail(join(logsDir, 'ejabberd.log'))}`)
    }
  }
  const stopNode = async (): Promise<void> => {
    await ctl(['stop']).catch(() => undefined)
    await ctl(['stopped']).catch(() => undefined)
  }
  await startNode()
  return {
    dir,
    spoolDir,
    logsDir,
    scratchDir,
    properties,
    ctl,
    startNode,
    stopNode,
    async kill() {
      // The node name is unique to this server (process id and epmd port).
      await execa('pkill', ['-KILL', '-f', `name ${node}`], { reject: false })
      await waitFor('the killed ejabberd node to be gone', async () => (await execa('pgrep', ['-f', `name ${node}`], { reject: false })).exitCode !== 0, 10_000)
    },
    async stop() {
      await stopNode()
      await execa('epmd', ['-kill'], { env: { ERL_EPMD_PORT: String(epmdPort) }, reject: false })
      await rm(dir, { recursive: true, force: true })
    },
  }
}
