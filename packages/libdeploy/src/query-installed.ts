import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { DisnixError } from '@disnix-ts/libmain'
import { parseProfileManifestXml, type ProfileManifest } from '@disnix-ts/libmanifest'
import { clientFor, errorText, type DeployContext } from './deploy-context.js'

export interface QueryInstalledOptions extends DeployContext {
  infrastructure: Infrastructure
  profile: string
}

/** The installed profile manifest of each target, in target-name order. */
export type InstalledServices = Array<{ target: string; profileManifest: ProfileManifest }>

/**
 * Asks every target at once which services its profile has installed (spec §2.8). Mappings without a
 * target get the target's name. Fails after all queries ended when any of them failed, naming them.
 *
 * QUIRK §10/11: the original fails on a target that has no profile manifest yet (an empty reply does
 * not parse); we show such a target as having no services.
 */
export async function queryInstalled(options: QueryInstalledOptions): Promise<InstalledServices> {
  const { infrastructure, profile, progress } = options
  const names = Object.keys(infrastructure).sort()
  const failed: string[] = []
  const results = await Promise.all(
    names.map(async (target) => {
      try {
        const text = await clientFor(infrastructure[target]!, options).call({ op: 'query-installed', profile })
        return { target, profileManifest: parseProfileManifestXml(text, { defaultTarget: target, source: `profile manifest of ${target}` }) }
      } catch (error) {
        failed.push(target)
        progress({ kind: 'step', target, step: 'query installed', status: 'failed', text: `Cannot query the installed services!\n${errorText(error)}` })
        return undefined
      }
    }),
  )
  if (failed.length > 0) {
    throw new DisnixError('QUERY_FAILED', `Cannot query the installed services of: ${failed.sort().join(', ')}`)
  }
  return results.filter((r) => r !== undefined)
}
