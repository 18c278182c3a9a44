import { DisnixError } from '@disnix-ts/libmain'
import { loadInfrastructure } from '@disnix-ts/libinfrastructure'
import { previousManifestPath } from './coordinator-profile.js'
import { convertV1Manifest, parseV1ManifestXml } from './manifest-v1.js'
import { printManifestNix } from './print-manifest-nix.js'
import { readManifestText } from './read-manifest.js'

export interface ConvertManifestFileOptions {
  /** The V1 manifest; default: the coordinator profile's manifest. */
  manifest?: string
  /** The infrastructure model (.nix, or XML with `xml`). */
  infrastructure: string
  profile: string
  coordinatorProfilePath?: string
  clientInterface: string
  targetProperty: string
  xml?: boolean
  showTrace?: boolean
  env?: NodeJS.ProcessEnv
}

/** `disnix-convert-manifest`: a version 1 manifest file as the Nix deployment model text of spec §2.7. */
export async function convertManifestFile(options: ConvertManifestFileOptions): Promise<string> {
  const path = await previousManifestPath({ oldManifest: options.manifest, profile: options.profile, path: options.coordinatorProfilePath })
  if (path === undefined) {
    throw new DisnixError('MANIFEST_NOT_FOUND', 'No manifest was given and the coordinator profile holds no previous manifest to convert')
  }
  const old = parseV1ManifestXml(await readManifestText(path), path)
  const infrastructure = await loadInfrastructure(options.infrastructure, {
    targetProperty: options.targetProperty,
    clientInterface: options.clientInterface,
    xml: options.xml,
    showTrace: options.showTrace,
    env: options.env,
  })
  return printManifestNix(convertV1Manifest(old, infrastructure))
}
