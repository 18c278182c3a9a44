import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { emptyManifest, printManifestXml, type Manifest } from '@disnix-ts/libmanifest'
import { testDir } from '@disnix-ts/test-utils'
import { keepEquivalentDeployment } from './keep-equivalent-deployment.js'

const PROFILE_MANIFEST = '<?xml version="1.0"?>\n\n  <profilemanifest version="2"><services/><serviceMappings/><snapshotMappings/></profilemanifest>\n\n'

/**
 * A deployed configuration as the original made it and the same configuration built again by another
 * derivation: two profiles per target that link the same package files, each with its own copy of the
 * profile manifest.
 */
async function twoBuilds() {
  const dir = await testDir()
  const pkg = join(dir, 'pkg-tool')
  await mkdir(join(pkg, 'bin'), { recursive: true })
  await writeFile(join(pkg, 'bin', 'tool'), '#!/bin/sh\n')
  const build = async (name: string) => {
    const manifestPackage = join(dir, `${name}-profilemanifest`)
    await mkdir(manifestPackage)
    await writeFile(join(manifestPackage, 'profilemanifest.xml'), PROFILE_MANIFEST)
    const profile = join(dir, `${name}-test1`)
    await mkdir(join(profile, 'bin'), { recursive: true })
    await symlink(join(manifestPackage, 'profilemanifest.xml'), join(profile, 'profilemanifest.xml'))
    await symlink(join(pkg, 'bin', 'tool'), join(profile, 'bin', 'tool'))
    const manifest: Manifest = {
      ...emptyManifest(),
      profiles: { test1: profile },
      infrastructure: {
        test1: { name: 'test1', properties: { hostname: 'test1' }, containers: {}, system: 'x86_64-linux', numOfCores: 1, clientInterface: 'disnix-ssh-client', targetProperty: 'hostname' },
      },
    }
    const manifestPath = join(dir, `${name}-manifest.xml`)
    await writeFile(manifestPath, printManifestXml(manifest))
    return { manifest, manifestPath, profile, manifestPackage }
  }
  const deployed = await build('original')
  const built = await build('ours')
  return { dir, deployed, built }
}

const options = (built: Awaited<ReturnType<typeof twoBuilds>>['built'], deployed: Awaited<ReturnType<typeof twoBuilds>>['deployed']) => ({
  manifest: built.manifest,
  manifestPath: built.manifestPath,
  oldManifest: deployed.manifest,
  oldManifestPath: deployed.manifestPath,
})

describe('keepEquivalentDeployment', () => {
  test('keeps the deployed manifest when only the profile paths differ and the profiles hold the same', async () => {
    const { built, deployed } = await twoBuilds()
    expect(await keepEquivalentDeployment(options(built, deployed))).toEqual({ manifest: deployed.manifest, manifestPath: deployed.manifestPath, keptDeployed: true })
  })

  test('uses the new manifest when a profile manifest differs by one byte', async () => {
    const { built, deployed } = await twoBuilds()
    await writeFile(join(built.manifestPackage, 'profilemanifest.xml'), PROFILE_MANIFEST.replace('\n\n  ', '\n'))
    expect(await keepEquivalentDeployment(options(built, deployed))).toMatchObject({ manifestPath: built.manifestPath, keptDeployed: false })
  })

  test('uses the new manifest when a profile has another entry or links elsewhere', async () => {
    const extra = await twoBuilds()
    await symlink(join(extra.dir, 'pkg-tool', 'bin', 'tool'), join(extra.built.profile, 'bin', 'tool2'))
    expect((await keepEquivalentDeployment(options(extra.built, extra.deployed))).keptDeployed).toBe(false)

    const elsewhere = await twoBuilds()
    await rm(join(elsewhere.built.profile, 'bin', 'tool'))
    await symlink(join(elsewhere.built.manifestPackage, 'profilemanifest.xml'), join(elsewhere.built.profile, 'bin', 'tool'))
    expect((await keepEquivalentDeployment(options(elsewhere.built, elsewhere.deployed))).keptDeployed).toBe(false)
  })

  test('uses the new manifest when anything else in it differs', async () => {
    const { built, deployed } = await twoBuilds()
    const changed: Manifest = { ...built.manifest, infrastructure: { test1: { ...built.manifest.infrastructure.test1!, numOfCores: 2 } } }
    await writeFile(built.manifestPath, printManifestXml(changed))
    expect(await keepEquivalentDeployment({ ...options(built, deployed), manifest: changed })).toMatchObject({ manifest: changed, keptDeployed: false })
  })

  test('uses the new manifest when the deployed profile is gone, and when there is nothing deployed', async () => {
    const { built, deployed } = await twoBuilds()
    await rm(deployed.profile, { recursive: true })
    expect((await keepEquivalentDeployment(options(built, deployed))).keptDeployed).toBe(false)
    expect(await keepEquivalentDeployment({ manifest: built.manifest, manifestPath: built.manifestPath })).toEqual({
      manifest: built.manifest,
      manifestPath: built.manifestPath,
      keptDeployed: false,
    })
  })
})
