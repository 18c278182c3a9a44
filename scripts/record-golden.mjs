#!/usr/bin/env node
// Records what the ORIGINAL Disnix writes for the golden models of
// packages/disnix-cli/fixtures/golden (cases.json) into fixtures/golden/recorded/<case>/:
//   manifest.xml and its store path (manifest-path.txt), profilemanifest-<target>.xml and
//   tree-<target>.txt (the entries of each target profile) for disnix-manifest; distributedderivation.xml for disnix-instantiate;
//   infrastructure.xml for disnix-normalize-infra. A case with "snapshot": SERVICE also gets
//   dysnomia/: the snapshot store (snapshots, generations, checksums) that the original Dysnomia
//   writes when it snapshots that service's fileset holding SNAPSHOT_DATA below.
// The golden tests compare disnix-ts with these files; they never run the original themselves.
//
// Usage: node scripts/record-golden.mjs [CASE...]     (default: every case)
//   ORIGINAL_PREFIX  where the original is installed (default /opt/disnix-orig; build it with
//                    build-original.sh, see docs/moving-from-disnix.md)
// The original evaluates the models with the project's offline package set, to which this script
// adds `libxslt` (the host's xsltproc), which the original's stylesheets need.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, lstatSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const golden = join(root, 'packages', 'disnix-cli', 'fixtures', 'golden')
const prefix = process.env.ORIGINAL_PREFIX ?? '/opt/disnix-orig'
if (!existsSync(join(prefix, 'bin', 'disnix-manifest'))) {
  console.error(`record-golden: no original Disnix in ${prefix} (set ORIGINAL_PREFIX)`)
  process.exit(1)
}

const pkgsDir = mkdtempSync(join(tmpdir(), 'record-golden-'))
writeFileSync(
  join(pkgsDir, 'default.nix'),
  `args: let p = import ${join(root, 'nix', 'offline-pkgs')} args; in p // {
  libxslt = p.stdenv.mkDerivation { name = "libxslt"; buildCommand = "mkdir -p $out/bin; ln -s ${execFileSync('sh', ['-c', 'command -v xsltproc']).toString().trim()} $out/bin/xsltproc"; };
}
`,
)
const env = {
  ...process.env,
  PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
  NIX_PATH: `nixpkgs=${pkgsDir}`,
  NIX_CONFIG: 'build-users-group =\nsubstituters =\nsandbox = false',
}

// The state in the recorded snapshot: file name -> content, under the fileset's mutable `data` dir.
const SNAPSHOT_DATA = { 'data/hello': 'hello from the original\n', 'data/sub/deep': 'deep state\n' }

const cases = JSON.parse(readFileSync(join(golden, 'cases.json'), 'utf8'))
const wanted = process.argv.slice(2)
try {
  for (const c of cases.filter((c) => wanted.length === 0 || wanted.includes(c.name))) record(c)
} finally {
  rmSync(pkgsDir, { recursive: true, force: true })
}

function record({ name, tool, args, snapshot }) {
  const out = join(golden, 'recorded', name)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  const run = (extra) => execFileSync(join(prefix, 'bin', tool), [...args, ...extra], { cwd: golden, env, stdio: ['ignore', 'pipe', 'ignore'] }).toString()
  if (tool === 'disnix-normalize-infra') {
    writeFileSync(join(out, 'infrastructure.xml'), run([]))
  } else if (tool === 'disnix-instantiate') {
    writeFileSync(join(out, 'distributedderivation.xml'), readFileSync(lastLine(run(['--no-out-link']))))
  } else {
    const manifest = lastLine(run(['--no-out-link']))
    const text = readFileSync(manifest, 'utf8')
    writeFileSync(join(out, 'manifest.xml'), text)
    writeFileSync(join(out, 'manifest-path.txt'), `${manifest}\n`)
    for (const [, target, profile] of text.matchAll(/<profile name="([^"]*)">([^<]*)<\/profile>/g)) {
      // A deployment model (-D) names profiles of its own, which need not hold a profile manifest.
      const profileManifest = join(profile, 'profilemanifest.xml')
      if (existsSync(profileManifest)) writeFileSync(join(out, `profilemanifest-${target}.xml`), readFileSync(profileManifest))
      writeFileSync(join(out, `tree-${target}.txt`), profileTree(profile))
    }
    if (snapshot !== undefined) recordSnapshotStore(out, text, snapshot)
  }
  console.log(`recorded ${name}`)
}

function recordSnapshotStore(out, manifestText, service) {
  const found = new RegExp(`<name>${service}</name><pkg>([^<]*)</pkg><type>([^<]*)</type>`).exec(manifestText)
  if (found === null) throw new Error(`record-golden: no service ${service} in the manifest`)
  const [, pkg, type] = found
  const state = mkdtempSync(join(tmpdir(), 'record-golden-state-'))
  try {
    for (const [file, content] of Object.entries(SNAPSHOT_DATA)) {
      mkdirSync(dirname(join(state, file)), { recursive: true })
      writeFileSync(join(state, file), content)
    }
    execFileSync(join(prefix, 'bin', 'dysnomia'), ['--type', type, '--container', type, '--component', pkg, '--operation', 'snapshot', '--environment'], {
      env: { ...env, DYSNOMIA_STATEDIR: join(out, 'dysnomia'), targetDir: state },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
  } finally {
    rmSync(state, { recursive: true, force: true })
  }
}

function lastLine(text) {
  return text.trim().split('\n').at(-1)
}

// One line per entry, sorted: "d DIR", "f FILE" or "l LINK -> TARGET".
function profileTree(dir) {
  const lines = []
  const walk = (path) => {
    for (const entry of readdirSync(path).sort()) {
      const full = join(path, entry)
      const rel = relative(dir, full)
      const stat = lstatSync(full)
      if (stat.isSymbolicLink()) {
        lines.push(`l ${rel} -> ${readlinkSync(full)}`)
      } else if (stat.isDirectory()) {
        lines.push(`d ${rel}`)
        walk(full)
      } else lines.push(`f ${rel}`)
    }
  }
  walk(dir)
  return lines.sort().map((l) => `${l}\n`).join('')
}
