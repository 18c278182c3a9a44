import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa } from 'execa'

/** The store paths of a deployment that the original Disnix made, as recorded. */
export interface OriginalDeployment {
  /** The original's manifest.xml in the store. */
  manifest: string
  /** Target name → the original's target profile. */
  profiles: Record<string, string>
  /** The recorded manifest text. */
  text: string
}

/**
 * Puts the manifest, target profiles and profile manifest packages that the original Disnix built for
 * a recorded golden case (fixtures/golden/recorded/<case>) into the local Nix store under the
 * original's own store paths, rebuilt byte for byte from the recorded files: each is dumped as a NAR
 * and imported with `nix-store --import`. The service packages they refer to must be in the store
 * already (build the same models first).
 */
export async function importOriginalDeployment(recorded: string, env: NodeJS.ProcessEnv): Promise<OriginalDeployment> {
  const text = await readFile(join(recorded, 'manifest.xml'), 'utf8')
  const manifest = (await readFile(join(recorded, 'manifest-path.txt'), 'utf8')).trim()
  const profiles = Object.fromEntries([...text.matchAll(/<profile name="([^"]*)">([^<]*)<\/profile>/g)].map((m) => [m[1] as string, m[2] as string]))
  const work = await mkdtemp(join(tmpdir(), 'original-deployment-'))
  try {
    const paths: Array<{ path: string; source: string; references: string[] }> = []
    for (const [target, profile] of Object.entries(profiles)) {
      const entries = (await readFile(join(recorded, `tree-${target}.txt`), 'utf8')).split('\n').filter((line) => line !== '')
      const tree = join(work, `profile-${target}`)
      await mkdir(tree)
      const linked: string[] = []
      for (const entry of entries) {
        const [, kind, rest] = /^([dlf]) (.*)$/.exec(entry) ?? []
        if (kind === 'd') await mkdir(join(tree, rest as string))
        else if (kind === 'l') {
          const [name, destination] = (rest as string).split(' -> ') as [string, string]
          await symlink(destination, join(tree, name))
          linked.push(storePathOf(destination))
          if (name === 'profilemanifest.xml') {
            const manifestPackage = join(work, `profilemanifest-${target}`)
            await mkdir(manifestPackage)
            const profileManifest = await readFile(join(recorded, `profilemanifest-${target}.xml`), 'utf8')
            await writeFile(join(manifestPackage, 'profilemanifest.xml'), profileManifest)
            paths.push({ path: dirname(destination), source: manifestPackage, references: storePathsIn(profileManifest) })
          }
        } else throw new Error(`${recorded}/tree-${target}.txt: cannot read the entry: ${entry}`)
      }
      paths.push({ path: profile, source: tree, references: unique(linked) })
    }
    await writeFile(join(work, 'manifest.xml'), text)
    paths.push({ path: manifest, source: join(work, 'manifest.xml'), references: storePathsIn(text) })

    const stream: Buffer[] = []
    for (const { path, source, references } of paths) {
      const { stdout: nar } = await execa('nix-store', ['--dump', source], { env, encoding: 'buffer' })
      stream.push(u64(1), Buffer.from(nar), u64(EXPORT_MAGIC), nixString(path), u64(references.length), ...references.sort().map(nixString), nixString(''), u64(0))
    }
    stream.push(u64(0))
    await execa('nix-store', ['--import'], { env, input: Buffer.concat(stream) })
    return { manifest, profiles, text }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

// The framing of `nix-store --export`: little-endian 64-bit numbers, strings padded to 8 bytes.
const EXPORT_MAGIC = 0x4558494e

function u64(n: number): Buffer {
  const buffer = Buffer.alloc(8)
  buffer.writeBigUInt64LE(BigInt(n))
  return buffer
}

function nixString(s: string): Buffer {
  const bytes = Buffer.from(s)
  return Buffer.concat([u64(bytes.length), bytes, Buffer.alloc((8 - (bytes.length % 8)) % 8)])
}

function storePathOf(path: string): string {
  return /^\/nix\/store\/[^/]+/.exec(path)?.[0] ?? path
}

function storePathsIn(text: string): string[] {
  return unique([...text.matchAll(/\/nix\/store\/[0-9a-z]{32}-[^/<>"\s]+/g)].map((m) => m[0]))
}

function unique(items: string[]): string[] {
  return [...new Set(items)]
}
