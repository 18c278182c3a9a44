#!/usr/bin/env node
// bench/transition.mjs: the coordinator's own cost of scheduling a transition (libdeploy's
// executeTransition), without any target: N services in dependsOn chains of 10 over 4 targets of 2
// cores, activities and health checks that return at once. Prints wall and CPU milliseconds per N:
// what disnix-deploy spends deciding what runs next, on top of the activities themselves.
//
// Usage: node bench/transition.mjs [--sizes 100,1000,3000]   (build first: pnpm run build)
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const lib = join(root, 'packages/libdeploy/lib')
if (!existsSync(join(lib, 'execute-transition.js'))) {
  console.error('bench/transition.mjs: packages/libdeploy/lib is missing: build first (pnpm run build)')
  process.exit(1)
}
const { planTransition } = await import(join(lib, 'transition-plan.js'))
const { executeTransition } = await import(join(lib, 'execute-transition.js'))
const sizesArg = process.argv.indexOf('--sizes')
const sizes = (sizesArg === -1 ? '100,1000,3000' : process.argv[sizesArg + 1]).split(',').map(Number)

const targets = ['t1', 't2', 't3', 't4']
const tick = () => new Promise((resolve) => setImmediate(resolve))
console.log('| services | wall ms | CPU ms |')
console.log('|---:|---:|---:|')
for (const n of sizes) {
  const services = {}
  const mappings = []
  for (let i = 0; i < n; i++) {
    const dependsOn = i % 10 === 0 ? [] : [{ service: `s${i - 1}`, container: 'echo', target: targets[(i - 1) % targets.length] }]
    services[`s${i}`] = { name: `s${i}`, pkg: `/nix/store/x-s${i}`, type: 'echo', dependsOn, connectsTo: [], providesContainers: {} }
    mappings.push({ service: `s${i}`, container: 'echo', target: targets[i % targets.length] })
  }
  const plan = planTransition({ newMappings: mappings, newServices: services })
  const started = performance.now()
  const cpu = process.cpuUsage()
  await executeTransition(plan, {
    coresOf: () => 2,
    run: tick,
    verify: async (_mapping, _service, gate) => {
      await gate.withCore(tick)
      gate.passed()
      await tick()
    },
  })
  const used = process.cpuUsage(cpu)
  console.log(`| ${n} | ${(performance.now() - started).toFixed(0)} | ${((used.user + used.system) / 1000).toFixed(0)} |`)
}
