import { readFileSync, readdirSync } from 'node:fs'
import { lstat, readdir, readFile, readlink } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseDistributedDerivationXml, printDistributedDerivationXml } from '@disnix-ts/libdistderivation'
import { parseInfrastructureXml, printInfrastructureXml } from '@disnix-ts/libinfrastructure'
import { parseManifestXml, parseProfileManifestXml, printManifestXml, printProfileManifestXml } from '@disnix-ts/libmanifest'
import { nixTestEnv, runBin } from '@disnix-ts/test-utils'
import { FIXTURES } from './manifest-test-helpers.js'

// Golden tests: what the original Disnix 0.10.3 wrote for the models in fixtures/golden, recorded
// with scripts/record-golden.mjs into fixtures/golden/recorded/, against what disnix-ts writes for
// the same models. The only bytes allowed to differ are the store paths of the target profiles: the
// original builds each profile manifest with its own stylesheet, so its profile derivations (and
// their paths) cannot be ours; everything inside the profiles must be the same.
const golden = join(FIXTURES, 'golden')
const recorded = join(golden, 'recorded')

interface GoldenCase {
  name: string
  tool: 'disnix-manifest' | 'disnix-instantiate' | 'disnix-normalize-infra'
  args: string[]
}
const cases = JSON.parse(readFileSync(join(golden, 'cases.json'), 'utf8')) as GoldenCase[]
const ofTool = (tool: GoldenCase['tool']) => cases.filter((c) => c.tool === tool)

// disnix-ts warns where the distribution names a container that nobody declares; the original says
// nothing. Every other case must build as silently as the original does.
const warnings: Record<string, string[]> = {
  multicontainer: [
    `[coordinator]: warning: target 'test1' declares no container 'echo1' in the infrastructure model ${golden}/infrastructure-two.nix and no service provides it; services 'testService1', 'testService3' mapped to it in the distribution model ${golden}/distribution-multicontainer.nix are activated without container properties`,
    `[coordinator]: warning: target 'test2' declares no container 'echo2' in the infrastructure model ${golden}/infrastructure-two.nix and no service provides it; services 'testService2', 'testService3' mapped to it in the distribution model ${golden}/distribution-multicontainer.nix are activated without container properties`,
  ],
}

async function run(c: GoldenCase, extra: string[] = []) {
  const result = await runBin(c.tool, [...c.args, ...extra], { env: nixTestEnv(), cwd: golden, timeoutMs: 300_000 })
  expect(result.exitCode, result.stderr).toBe(0)
  const stderrLines = result.stderr.split('\n').filter((line) => line !== '')
  expect(stderrLines).toEqual(warnings[c.name] ?? [])
  return result.stdout
}

function profilesOf(manifestText: string): Map<string, string> {
  return new Map([...manifestText.matchAll(/<profile name="([^"]*)">([^<]*)<\/profile>/g)].map((m) => [m[1] as string, m[2] as string]))
}

/** The entries of a target profile as recorded: "d DIR", "f FILE", "l LINK -> TARGET", sorted. */
async function profileTree(dir: string): Promise<string> {
  const lines: string[] = []
  const walk = async (path: string): Promise<void> => {
    for (const entry of (await readdir(path)).sort()) {
      const full = join(path, entry)
      const rel = relative(dir, full)
      const stat = await lstat(full)
      if (stat.isSymbolicLink()) lines.push(`l ${rel} -> ${await readlink(full)}`)
      else if (stat.isDirectory()) {
        lines.push(`d ${rel}`)
        await walk(full)
      } else lines.push(`f ${rel}`)
    }
  }
  await walk(dir)
  return lines
    .sort()
    .map((line) => `${line}\n`)
    .join('')
}

describe('disnix-ts writes what the original Disnix writes (recorded golden files)', () => {
  test('covers at least 20 model combinations', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20)
    expect(readdirSync(recorded).sort()).toEqual(cases.map((c) => c.name).sort())
  })

  test.each(ofTool('disnix-manifest'))('disnix-manifest $name: the manifest, every profile manifest and every profile', async (c) => {
    const path = (await run(c, ['--no-out-link'])).trim()
    const ours = await readFile(path, 'utf8')
    const theirs = await readFile(join(recorded, c.name, 'manifest.xml'), 'utf8')
    const ourProfiles = profilesOf(ours)
    const theirProfiles = profilesOf(theirs)
    expect([...ourProfiles.keys()]).toEqual([...theirProfiles.keys()])
    let withTheirProfiles = ours
    for (const [target, profile] of ourProfiles) withTheirProfiles = withTheirProfiles.replaceAll(profile, theirProfiles.get(target) as string)
    expect(withTheirProfiles).toBe(theirs)

    const files = readdirSync(join(recorded, c.name))
    for (const [target, profile] of ourProfiles) {
      if (files.includes(`profilemanifest-${target}.xml`)) {
        expect(await readFile(join(profile, 'profilemanifest.xml'), 'utf8')).toBe(await readFile(join(recorded, c.name, `profilemanifest-${target}.xml`), 'utf8'))
      }
      // The link to the profile manifest points into each tool's own profile manifest package.
      const ownManifest = (tree: string) => tree.replace(/^l profilemanifest\.xml -> .*$/m, 'l profilemanifest.xml -> (its own profile manifest)')
      expect(ownManifest(await profileTree(profile))).toBe(ownManifest(await readFile(join(recorded, c.name, `tree-${target}.txt`), 'utf8')))
    }
  })

  test.each(ofTool('disnix-instantiate'))('disnix-instantiate $name: the distributed derivation', async (c) => {
    const path = (await run(c, ['--no-out-link'])).trim()
    expect(await readFile(path, 'utf8')).toBe(await readFile(join(recorded, c.name, 'distributedderivation.xml'), 'utf8'))
  })

  test.each(ofTool('disnix-normalize-infra'))('disnix-normalize-infra $name: the infrastructure XML', async (c) => {
    expect(await run(c)).toBe(await readFile(join(recorded, c.name, 'infrastructure.xml'), 'utf8'))
  })

  const documents = cases.flatMap((c) => readdirSync(join(recorded, c.name)).filter((file) => file.endsWith('.xml')).map((file) => ({ name: c.name, file })))

  test.each(documents)('the TypeScript reader and writer reproduce $name/$file byte for byte', async ({ name, file }) => {
    const text = await readFile(join(recorded, name, file), 'utf8')
    if (file === 'manifest.xml') expect(printManifestXml(parseManifestXml(text, { defaultTarget: 'localhost' }))).toBe(text)
    else if (file === 'distributedderivation.xml') expect(printDistributedDerivationXml(parseDistributedDerivationXml(text))).toBe(text)
    else if (file === 'infrastructure.xml') expect(printInfrastructureXml(parseInfrastructureXml(text))).toBe(text)
    else {
      const target = /^profilemanifest-(.*)\.xml$/.exec(file)?.[1] as string
      expect(printProfileManifestXml(parseProfileManifestXml(text, { defaultTarget: target }), { omitTarget: target })).toBe(text)
    }
  })
})
