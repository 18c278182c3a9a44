#!/usr/bin/env node
// Measures disnix-manifest on generated models: N services (chains of dependsOn of length 10) on M
// targets, round robin. For each size it reports, from a fresh store state of the models:
//   eval      nix-instantiate of the manifest attribute (model evaluation, hashes, XML text, .drv files)
//   packages  nix-store --realise of the service packages (the user's builds, one derivation each)
//   profiles  nix-store --realise of the manifest: profile manifests, profiles and the manifest itself
//   rerun     disnix-manifest end to end afterwards (all built: evaluation + CLI + Nix start-up)
// with wall time and the maximum resident set size of the evaluating Nix process (/usr/bin/time -v).
// Usage: node bench/manifest.mjs [--sizes 10x1,100x10,1000x50] [--max-jobs 2]
// The offline package set is used as <nixpkgs>; each run gets a unique prefix so nothing is cached.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : args[i + 1]
}
const sizes = option('--sizes', '10x1,10x10,10x50,100x1,100x10,100x50,1000x1,1000x10,1000x50')
  .split(',')
  .map((s) => s.split('x').map(Number))
const maxJobs = option('--max-jobs', '2')

const env = {
  ...process.env,
  NIX_PATH: `nixpkgs=${join(root, 'nix', 'offline-pkgs')}`,
  NIX_CONFIG: `build-users-group =\nsubstituters =\nsandbox = false\nmax-jobs = ${maxJobs}\n`,
}

function writeModels(dir, services, targets, prefix) {
  const lines = ['{ system, pkgs, distribution, invDistribution }:', 'rec {']
  for (let i = 0; i < services; i++) {
    const dep = i % 10 === 0 ? null : `s${i - 1}`
    lines.push(`  s${i} = {`, `    name = "s${i}";`, '    type = "process";')
    if (dep) {
      lines.push(`    dependsOn = { inherit ${dep}; };`)
      lines.push(`    pkg = { ${dep} }: pkgs.writeTextFile { name = "${prefix}-s${i}"; destination = "/etc/s${i}.conf"; text = "dep=\${${dep}.target.properties.hostname}\\n"; };`)
    } else {
      lines.push(`    pkg = pkgs.writeTextFile { name = "${prefix}-s${i}"; destination = "/etc/s${i}.conf"; text = "root\\n"; };`)
    }
    lines.push('  };')
  }
  lines.push('}')
  writeFileSync(join(dir, 'services.nix'), lines.join('\n') + '\n')
  const infra = ['{']
  for (let t = 0; t < targets; t++) infra.push(`  t${t} = { properties.hostname = "t${t}.example.org"; containers.process = { }; };`)
  infra.push('}')
  writeFileSync(join(dir, 'infrastructure.nix'), infra.join('\n') + '\n')
  const dist = ['{ infrastructure }:', '{']
  for (let i = 0; i < services; i++) dist.push(`  s${i} = [ infrastructure.t${i % targets} ];`)
  dist.push('}')
  writeFileSync(join(dir, 'distribution.nix'), dist.join('\n') + '\n')
}

function timed(argv, cwd) {
  const start = process.hrtime.bigint()
  const result = spawnSync('/usr/bin/time', ['-v', ...argv], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  if (result.status !== 0) throw new Error(`${argv.join(' ')} failed:\n${result.stderr.slice(-3000)}`)
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1] ?? 0)
  return { seconds, rssMiB: rss / 1024, stdout: result.stdout }
}

const rows = []
for (const [services, targets] of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'disnix-bench-'))
  try {
    const prefix = `b${process.pid}${Date.now()}`
    writeModels(dir, services, targets, prefix)
    const models = ['--argstr', 'servicesFile', join(dir, 'services.nix'), '--argstr', 'infrastructureFile', join(dir, 'infrastructure.nix'), '--argstr', 'distributionFile', join(dir, 'distribution.nix')]
    const evaluation = timed(['nix-instantiate', join(root, 'nix', 'manifest.nix'), '-A', 'generateManifestFromModels', ...models, '--argstr', 'targetProperty', 'hostname', '--argstr', 'clientInterface', 'disnix-ssh-client'], dir)
    const drv = evaluation.stdout.trim().split('\n').pop()
    const drvsOf = (d) => execFileSync('nix-store', ['-q', '--references', d], { env, encoding: 'utf8' }).split('\n').filter((p) => p.endsWith('.drv'))
    const profileDrvs = drvsOf(drv)
    const serviceDrvs = [...new Set(profileDrvs.flatMap(drvsOf).filter((p) => !p.endsWith('-profilemanifest.drv')))]
    const packages = timed(['nix-store', '--realise', ...serviceDrvs], dir)
    const build = timed(['nix-store', '--realise', drv], dir)
    const tool = timed([join(root, 'bin', 'disnix-manifest'), '-s', join(dir, 'services.nix'), '-i', join(dir, 'infrastructure.nix'), '-d', join(dir, 'distribution.nix'), '--no-out-link'], dir)
    const manifestPath = tool.stdout.trim()
    const size = Number(execFileSync('stat', ['-c', '%s', manifestPath], { encoding: 'utf8' }))
    rows.push({ services, targets, eval: evaluation.seconds, evalRss: evaluation.rssMiB, packages: packages.seconds, build: build.seconds, tool: tool.seconds, toolRss: tool.rssMiB, manifestKiB: size / 1024 })
    process.stderr.write(`${services} services x ${targets} targets done\n`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const f = (n, d = 2) => n.toFixed(d)
console.log(`load average at the end: ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`)
console.log('| services | targets | eval s | eval max RSS MiB | service packages s | profiles + manifest s | eval + profiles s | rerun disnix-manifest s | rerun max RSS MiB | manifest KiB |')
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for (const r of rows) {
  console.log(`| ${r.services} | ${r.targets} | ${f(r.eval)} | ${f(r.evalRss, 0)} | ${f(r.packages)} | ${f(r.build)} | ${f(r.eval + r.build)} | ${f(r.tool)} | ${f(r.toolRss, 0)} | ${f(r.manifestKiB, 0)} |`)
}
