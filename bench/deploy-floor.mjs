#!/usr/bin/env node
// bench/deploy-floor.mjs: the floor of a deployment's Dysnomia work on one target. bench/deploy runs
// it inside each test-network target (disnix-testnet exec, no ssh) with a plan on stdin:
//   { "steps": [["lock", [service...]], ["activate", [service...]], ...] }
// where a service is { pkg, type, container } as the profile manifest names it. It runs every
// operation of every step one after the other, as `dysnomia --type T --container C --environment
// --operation OP --component PKG` does (`check`: the module's health check, which must pass) (Dysnomia's library in this one process: only the module is
// started per operation, as disnix-run-activity does), and prints {"seconds": S, "cpu": C,
// "operations": K}: the wall time of the operations themselves, without this process's start-up, and
// the CPU seconds they took (this process and the modules).
import { readFileSync } from 'node:fs'
import { checkComponent, requestSettings, runDysnomiaOperation } from '../packages/dysnomia/lib/index.js'

let input = ''
for await (const chunk of process.stdin) input += chunk
const { steps } = JSON.parse(input)
const env = process.env
const request = { environment: true, ...requestSettings(env, { uid: process.getuid(), home: env.HOME ?? '/root' }) }

let operations = 0
const cpu0 = cpuSeconds()
const started = performance.now()
for (const [operation, services] of steps) {
  for (const service of services) {
    if (operation === 'check') {
      const result = await checkComponent({ ...request, type: service.type, component: service.pkg, container: service.container })
      if (result.status === 'failing') {
        console.error(`dysnomia --operation check of ${service.pkg} failed: ${result.reason}`)
        process.exit(1)
      }
      operations++
      continue
    }
    const status = await runDysnomiaOperation({
      ...request,
      operation,
      type: service.type,
      component: service.pkg,
      container: service.container,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'inherit',
    })
    if (status !== 0) {
      console.error(`dysnomia --operation ${operation} of ${service.pkg} failed (exit status ${status})`)
      process.exit(1)
    }
    operations++
  }
}
const seconds = (performance.now() - started) / 1000
console.log(JSON.stringify({ seconds, cpu: cpuSeconds() - cpu0, operations }))

/** CPU seconds of this process and of the modules it waited for (utime + stime + cutime + cstime). */
function cpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100
}
