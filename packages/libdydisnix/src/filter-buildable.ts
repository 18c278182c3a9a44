import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { isDisnixError, nixExprDir, type ProgressSink } from '@disnix-ts/libmain'
import { nixInstantiate } from '@disnix-ts/libnix'
import { quoteNixString } from '@disnix-ts/libxmlmodel'
import { sortedServiceNames, type CandidateDistribution } from './candidate-distribution.js'

export interface FilterBuildableOptions {
  servicesFile: string
  infrastructureFile: string
  distribution: CandidateDistribution
  targetProperty: string
  clientInterface: string
  extraParams?: string
  env?: NodeJS.ProcessEnv
  tmpdir: string
  progress: ProgressSink
  /** How many evaluations run at once (default 2). */
  concurrency?: number
}

/**
 * Drops every candidate for which the service's package cannot be instantiated for the target's
 * system (the original's dydisnix-filter-buildable): one nix-instantiate of nix/dydisnix/try-build.nix
 * per (service, candidate), through the same model pipeline as disnix-manifest.
 */
export async function filterBuildable(options: FilterBuildableOptions): Promise<CandidateDistribution> {
  const dir = await mkdtemp(join(options.tmpdir, 'dydisnix-filter-buildable-'))
  try {
    const distributionFile = join(dir, 'distribution.nix')
    await writeFile(distributionFile, distributionModel(options.distribution))
    const pairs = sortedServiceNames(options.distribution).flatMap((service) => options.distribution[service]!.map((mapping) => ({ service, mapping })))
    const ok = new Array<boolean>(pairs.length)
    let next = 0
    const worker = async () => {
      while (next < pairs.length) {
        const index = next++
        const { service, mapping } = pairs[index]!
        try {
          await nixInstantiate({
            file: join(nixExprDir(), 'dydisnix', 'try-build.nix'),
            argstrs: {
              servicesFile: resolve(options.servicesFile),
              infrastructureFile: resolve(options.infrastructureFile),
              distributionFile,
              serviceName: service,
              targetName: mapping.target,
              defaultTargetProperty: options.targetProperty,
              defaultClientInterface: options.clientInterface,
            },
            args: options.extraParams === undefined ? {} : { extraParams: options.extraParams },
            env: options.env,
          })
          ok[index] = true
        } catch (error) {
          if (!isDisnixError(error)) throw error
          ok[index] = false
          options.progress({ kind: 'message', text: `Service: ${service} cannot be built for target: ${mapping.target}: ${error.message.split('\n')[0]}` })
        }
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker))
    const result: CandidateDistribution = {}
    pairs.forEach(({ service, mapping }, i) => {
      result[service] ??= []
      if (ok[i]) result[service].push(mapping)
    })
    for (const service of Object.keys(options.distribution)) result[service] ??= []
    return result
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** A distribution model ({infrastructure}: ...) mapping every service to all its candidates. */
function distributionModel(distribution: CandidateDistribution): string {
  const lines = ['{infrastructure}:', '', '{']
  for (const service of sortedServiceNames(distribution)) {
    const entries = distribution[service]!.map((m) =>
      m.container === undefined ? `infrastructure.${quoteNixString(m.target)}` : `{ target = infrastructure.${quoteNixString(m.target)}; container = ${quoteNixString(m.container)}; }`,
    )
    const containers = distribution[service]!.some((m) => m.container !== undefined)
    lines.push(`  ${quoteNixString(service)} = ${containers ? `{ targets = [ ${entries.map((e) => (e.startsWith('{') ? e : `{ target = ${e}; }`)).join(' ')} ]; }` : `[ ${entries.join(' ')} ]`};`)
  }
  lines.push('}', '')
  return lines.join('\n')
}
