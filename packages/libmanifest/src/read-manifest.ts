import { readFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { checkManifest } from './check-manifest.js'
import type { Manifest } from './manifest.js'
import { parseManifestXml, type ParseManifestOptions } from './manifest-xml.js'

export interface ReadManifestOptions extends Partial<ParseManifestOptions> {
  /** Validate the manifest (spec §2.2) and fail with MANIFEST_INCONSISTENT (default true). */
  check?: boolean
}

/**
 * Reads and (by default) validates a version 2 manifest file. Mappings without a target get the local
 * host name unless `defaultTarget` says otherwise (as the original does for coordinator manifests).
 */
export async function readManifest(path: string, options: ReadManifestOptions = {}): Promise<Manifest> {
  const text = await readManifestText(path)
  const manifest = parseManifestXml(text, { defaultTarget: options.defaultTarget ?? hostname(), filter: options.filter, source: options.source ?? path })
  if (options.check !== false) checkManifest(manifest, `The manifest: ${path}`)
  return manifest
}

/** The text of a manifest file, with one clear error when it cannot be read. */
export async function readManifestText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    for (const [code, reason] of [
      ['ENOENT', 'does not exist'],
      ['EACCES', 'cannot be read (permission denied)'],
      ['EISDIR', 'is a directory'],
    ] as const) {
      if (hasErrorCode(error, code)) throw new DisnixError('MANIFEST_NOT_FOUND', `The manifest file: ${path} ${reason}`)
    }
    throw error
  }
}
