import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, runBin } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'
import { checkManifest } from './check-manifest.js'
import { parseManifestXml, printManifestXml } from './manifest-xml.js'
import { mappingParameters } from './mapping-parameters.js'
import { printProfileManifestXml, profileManifestForTarget } from './profile-manifest.js'

// The models of disnix-manifest's own tests: containers provided by services, several containers per
// target, an auto-mapped container the target does not declare.
const models = join(installRoot(), 'packages', 'disnix-cli', 'fixtures', 'containers')

describe('manifests built by disnix-manifest', () => {
  test('parse, validate and print back byte for byte, with the same profile manifests as the Nix side', async () => {
    const result = await runBin(
      'disnix-manifest',
      ['--no-out-link', '-s', join(models, 'services.nix'), '-i', join(models, 'infrastructure.nix'), '-d', join(models, 'distribution.nix')],
      { env: nixTestEnv() },
    )
    expect(result.exitCode).toBe(0)
    const path = result.stdout.trim()
    const text = await readFile(path, 'utf8')
    const manifest = parseManifestXml(text, { defaultTarget: 'localhost' })
    checkManifest(manifest)
    expect(printManifestXml(manifest)).toBe(text)
    expect(Object.keys(manifest.profiles).length).toBeGreaterThan(0)
    for (const [target, profile] of Object.entries(manifest.profiles)) {
      const fromNix = await readFile(join(profile, 'profilemanifest.xml'), 'utf8')
      expect(printProfileManifestXml(profileManifestForTarget(manifest, target), { omitTarget: target })).toBe(fromNix)
    }
    // Every mapping yields activation parameters; a provided container takes the provider's pkg as type.
    for (const mapping of manifest.serviceMappings) {
      const parameters = mappingParameters(manifest, mapping)
      if (mapping.containerProvidedByService !== undefined) {
        expect(parameters.type).toBe(manifest.services[mapping.containerProvidedByService]?.pkg)
      }
    }
    expect(manifest.serviceMappings.some((m) => m.containerProvidedByService !== undefined)).toBe(true)
  })
})
