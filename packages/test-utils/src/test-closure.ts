import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { nixTestEnv } from './testing.js'

export interface TestClosure {
  /** The root: a directory with `bin/tn-service` referring to `conf`, which refers to `lib`. */
  service: string
  conf: string
  lib: string
  /** Every path of the closure (3 paths). */
  paths: string[]
  tag: string
}

/**
 * Builds a fresh three-path closure (no nixpkgs needed: builders use /bin/sh) whose store paths are
 * unique to this call, so a target never has them yet.
 */
export async function buildTestClosure(tag = randomBytes(6).toString('hex')): Promise<TestClosure> {
  const stdout = await withTempDir(async (dir) => {
    const expr = join(dir, 'closure.nix')
    await writeFile(expr, CLOSURE_EXPR)
    return (await execa('nix-build', ['--no-out-link', expr, '--argstr', 'tag', tag, '-A', 'all'], { env: nixTestEnv() })).stdout
  })
  const [service, conf, lib] = stdout.trim().split('\n')
  if (!service || !conf || !lib) throw new Error(`unexpected nix-build output: ${stdout}`)
  return { service, conf, lib, paths: [lib, conf, service], tag }
}

const CLOSURE_EXPR = `{ tag ? "1" }:
let
  mk = name: script: derivation {
    inherit name; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" script ];
  };
  lib = mk "tn-lib-\${tag}" ''echo "library \${tag}" > $out'';
  conf = mk "tn-conf-\${tag}" ''echo "LIB=\${lib}" > $out'';
  service = mk "tn-service-\${tag}" ''
    /bin/mkdir -p $out/bin
    echo "CONF=\${conf}" > $out/refs
    printf '#!/bin/sh\\necho hello from \${tag}\\n' > $out/bin/tn-service
    /bin/chmod +x $out/bin/tn-service
  '';
in { all = [ service conf lib ]; inherit service conf lib; }
`

/**
 * Builds a fresh store path that looks like a Disnix target profile: a directory holding
 * `profilemanifest.xml` with the given text (and a marker file making the path unique); the store
 * paths named in the text are its references, as in a real profile.
 */
export async function buildTestProfile(profileManifestXml: string, tag = randomBytes(6).toString('hex')): Promise<string> {
  return withTempDir(async (dir) => {
  const expr = join(dir, 'profile.nix')
  await writeFile(join(dir, 'profilemanifest.xml'), profileManifestXml)
  // The store paths named in the manifest become references, so the profile keeps them alive.
  const refs = [...new Set(profileManifestXml.match(/\/nix\/store\/[0-9a-z]{32}-[^<>"'\s/]+/g) ?? [])]
  await writeFile(join(dir, 'refs.json'), JSON.stringify(refs))
  await writeFile(
    expr,
    `{ tag }: derivation {
  name = "test-profile-\${tag}"; system = builtins.currentSystem; builder = "/bin/sh";
  manifest = builtins.readFile ./profilemanifest.xml;
  refs = map builtins.storePath (builtins.fromJSON (builtins.readFile ./refs.json));
  args = [ "-c" "/bin/mkdir $out; printf '%s' \\"$manifest\\" > $out/profilemanifest.xml; echo \${tag} > $out/tag" ];
}
`,
  )
  const { stdout } = await execa('nix-build', ['--no-out-link', expr, '--argstr', 'tag', tag], { env: nixTestEnv() })
  return stdout.trim()
  })
}

/** Works in a temp dir that is removed afterwards (usable outside a test, e.g. in beforeAll). */
async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'disnix-build-'))
  try {
    return await work(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
