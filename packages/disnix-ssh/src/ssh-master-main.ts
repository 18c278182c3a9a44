/**
 * Process entry of the connection-sharing master, started detached by openSession:
 * `node ssh-master-main.js '<json {params, socketPath, idleMs}>'`. It prints one JSON line (its
 * {@link MasterStartup}) on stdout for the invocation that started it, then serves until idle.
 */
import { rm } from 'node:fs/promises'
import { runMaster, type RunMasterOptions } from './ssh-master.js'

const config = JSON.parse(process.argv[2] ?? '{}') as Omit<RunMasterOptions, 'onStartup' | 'log'>
process.stdout.on('error', () => {}) // the starter closes its end after reading the startup line
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => void rm(config.socketPath, { force: true }).finally(() => process.exit(0)))
}
await runMaster({
  ...config,
  onStartup: (startup) => process.stdout.write(`${JSON.stringify(startup)}\n`),
  // stderr is the master's log file (<socket>.log), opened by the invocation that started it.
  log: (line) => process.stderr.write(`${line}\n`),
})
process.exit(0)
