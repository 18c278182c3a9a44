import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { DisnixError, isDisnixError, nixExprDir } from '@disnix-ts/libmain'
import { nixBuild } from '@disnix-ts/libnix'
import type { CandidateDistribution } from './candidate-distribution.js'
import { printDistributionNix } from './distribution-xml.js'
import { checkReadable } from './load-models.js'

export interface GenerateDistributionOptions {
  servicesFile: string
  infrastructureFile: string
  /** The QoS model; without it the result is the initial distribution. */
  qosFile?: string
  /** A catalog of custom filters {pkgs, referenceFilters}: { ... }. */
  filtersFile?: string
  /** A candidate distribution to start from instead of every service on every target. */
  initialDistribution?: CandidateDistribution
  /** The distribution of the last deployment, passed to the QoS model as previousDistribution. */
  previousDistribution?: CandidateDistribution
  outputXml?: boolean
  extraParams?: string
  targetProperty: string
  clientInterface: string
  /** How the external filters run our executables inside a build. */
  runner: { node: string; bin: string; fingerprint: string }
  noOutLink?: boolean
  outLink?: string
  showTrace?: boolean
  env?: NodeJS.ProcessEnv
  cwd?: string
  tmpdir: string
  onTrace?: (message: string) => void
}

/**
 * Evaluates the QoS model with nix/dydisnix/gendist.nix and builds the distribution model it returns
 * (distribution.nix, or distribution.xml); returns its store path. A failing external filter is
 * reported with the QoS model's name and the filter's own message.
 */
export async function generateDistribution(options: GenerateDistributionOptions): Promise<string> {
  await checkReadable(options.servicesFile, 'services model')
  await checkReadable(options.infrastructureFile, 'infrastructure model')
  if (options.qosFile !== undefined) await checkReadable(options.qosFile, 'QoS model')
  if (options.filtersFile !== undefined) await checkReadable(options.filtersFile, 'filters catalog')
  const dir = await mkdtemp(join(options.tmpdir, 'dydisnix-gendist-'))
  try {
    const argstrs: Record<string, string> = {
      servicesFile: resolve(options.servicesFile),
      infrastructureFile: resolve(options.infrastructureFile),
      defaultTargetProperty: options.targetProperty,
      defaultClientInterface: options.clientInterface,
      node: options.runner.node,
      bin: options.runner.bin,
      fingerprint: options.runner.fingerprint,
    }
    if (options.qosFile !== undefined) argstrs.qosFile = resolve(options.qosFile)
    if (options.filtersFile !== undefined) argstrs.filtersFile = resolve(options.filtersFile)
    if (options.initialDistribution !== undefined) {
      argstrs.distributionFile = join(dir, 'initial-distribution.nix')
      await writeFile(argstrs.distributionFile, printDistributionNix(options.initialDistribution))
    }
    if (options.previousDistribution !== undefined) {
      argstrs.previousDistributionFile = join(dir, 'previous-distribution.nix')
      await writeFile(argstrs.previousDistributionFile, printDistributionNix(options.previousDistribution))
    }
    const args: Record<string, string> = {}
    if (options.outputXml) args.outputXml = 'true'
    if (options.extraParams !== undefined) args.extraParams = options.extraParams
    try {
      const [path] = await nixBuild({
        file: join(nixExprDir(), 'dydisnix', 'gendist.nix'),
        argstrs,
        args,
        noOutLink: options.noOutLink,
        outLink: options.outLink,
        showTrace: options.showTrace,
        env: options.env,
        cwd: options.cwd,
        onTrace: options.onTrace,
      })
      if (path === undefined) throw new DisnixError('NIX_FAILED', 'nix-build printed no distribution model')
      return path
    } catch (error) {
      throw filterFailure(error, options.qosFile) ?? error
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * A build of an external filter that failed: Nix reports "builder for '…-dydisnix-divide-result.nix.drv'
 * failed"; the filter's own message is in the build log, which Nix prints before that line (or, in
 * newer versions, after it as "> " lines).
 */
export function filterFailure(error: unknown, qosFile: string | undefined): DisnixError | undefined {
  if (!isDisnixError(error)) return undefined
  const match = /builder for '[^']*-(dydisnix-[a-z-]+)-result\.nix\.drv' failed/.exec(error.message)
  if (match === null) return undefined
  const stderr = String((error.cause as { stderr?: unknown } | undefined)?.stderr ?? error.message)
  const log: string[] = []
  let inBuild = false
  for (const line of stderr.split('\n')) {
    if (/^building '.*-dydisnix-[a-z-]+-result\.nix\.drv'/.test(line)) inBuild = true
    else if (/^error\b/.test(line)) inBuild = false
    else {
      const quoted = /^\s*>\s?(.*)$/.exec(line)?.[1]
      const text = quoted ?? (inBuild ? line : undefined)
      if (text !== undefined && text.trim() !== '') log.push(text.replace(/^\[coordinator\]: /, '').trim())
    }
  }
  const what = qosFile === undefined ? 'the QoS model' : `QoS model ${resolve(qosFile)}`
  return new DisnixError('FILTER_FAILED', `${what}: ${match[1]} failed: ${log.join(' ') || 'see the build log'}`, { cause: error })
}
