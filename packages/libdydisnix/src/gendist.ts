import { compareBytes } from '@disnix-ts/libxmlmodel'
import type { ProgressSink } from '@disnix-ts/libmain'
import type { CandidateDistribution } from './candidate-distribution.js'
import { filterBuildable } from './filter-buildable.js'
import { generateDistribution, type GenerateDistributionOptions } from './generate-distribution.js'
import { loadServices, loadTargets } from './load-models.js'
import { deployedDistribution } from './previous-distribution.js'

export interface GendistOptions extends Omit<GenerateDistributionOptions, 'previousDistribution' | 'initialDistribution'> {
  /** The Disnix profile whose last deployment is the previous distribution. */
  profile: string
  coordinatorProfilePath?: string
  /** Pass the last deployment as previousDistribution (default true). */
  usePrevious?: boolean
  /** Start from the candidates each service can be instantiated for. */
  filterBuildable?: boolean
  progress: ProgressSink
}

/**
 * dydisnix-gendist: the previous distribution from the coordinator profile (if any), optionally the
 * buildable candidates, then the QoS model. Returns the store path of the generated model.
 */
export async function gendist(options: GendistOptions): Promise<string> {
  const previousDistribution = options.usePrevious === false ? undefined : await deployedDistribution(options)
  let initialDistribution: CandidateDistribution | undefined
  if (options.filterBuildable) {
    const load = { extraParams: options.extraParams, targetProperty: options.targetProperty, clientInterface: options.clientInterface, env: options.env, showTrace: options.showTrace }
    const [services, infrastructure] = await Promise.all([loadServices(options.servicesFile, load), loadTargets(options.infrastructureFile, load)])
    const targets = Object.keys(infrastructure).sort(compareBytes)
    const all: CandidateDistribution = Object.fromEntries(Object.keys(services).map((s) => [s, targets.map((target) => ({ target }))]))
    options.progress({ kind: 'message', text: 'Checking which services can be built for which targets...' })
    initialDistribution = await filterBuildable({ ...options, distribution: all, progress: options.progress })
  }
  return generateDistribution({ ...options, previousDistribution, initialDistribution })
}
