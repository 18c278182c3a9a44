import { DisnixError } from '@disnix-ts/libmain'

/** The kinds of model input of spec §1.1. */
export type ModelKind = 'models' | 'packages' | 'architecture' | 'deployment' | 'build' | 'undeploy'

/** The model options of disnix-manifest, disnix-instantiate and disnix-env, as commander parses them. */
export interface ModelOptions {
  services?: string
  infrastructure?: string
  distribution?: string
  packages?: string
  architecture?: string
  deployment?: string
  build?: string
  undeploy?: boolean
}

export type ModelFileArg = 'servicesFile' | 'infrastructureFile' | 'distributionFile' | 'packagesFile' | 'architectureFile' | 'deploymentFile' | 'buildFile'

/** A valid combination of models: its kind and the files, keyed by the Nix argument that receives them. */
export interface ModelSelection {
  kind: ModelKind
  files: Partial<Record<ModelFileArg, string>>
}

const OPTION_OF: Record<ModelFileArg, string> = {
  servicesFile: '-s/--services',
  infrastructureFile: '-i/--infrastructure',
  distributionFile: '-d/--distribution',
  packagesFile: '-P/--packages',
  architectureFile: '-A/--architecture',
  deploymentFile: '-D/--deployment',
  buildFile: '-B/--build',
}

/**
 * Decides which kind of models the options give (the original's checkModels, checkDeployModels and
 * checkBuildModels, spec §1.1), accepting only the kinds the tool supports. Unlike the original, a
 * model option that the chosen kind would silently ignore is an error.
 */
export function selectModels(options: ModelOptions, accepts: readonly ModelKind[]): ModelSelection {
  const given: Partial<Record<ModelFileArg, string>> = {}
  if (options.services !== undefined) given.servicesFile = options.services
  if (options.infrastructure !== undefined) given.infrastructureFile = options.infrastructure
  if (options.distribution !== undefined) given.distributionFile = options.distribution
  if (options.packages !== undefined) given.packagesFile = options.packages
  if (options.architecture !== undefined) given.architectureFile = options.architecture
  if (options.deployment !== undefined) given.deploymentFile = options.deployment
  if (options.build !== undefined) given.buildFile = options.build

  const select = (kind: ModelKind, allowed: readonly ModelFileArg[]): ModelSelection => {
    const extra = (Object.keys(given) as ModelFileArg[]).filter((arg) => !allowed.includes(arg))
    if (extra.length > 0) {
      throw new DisnixError('MODELS_INVALID', `An unknown combination of models were provided! (${extra.map((a) => OPTION_OF[a]).join(', ')} cannot be combined with ${describe(kind)})`)
    }
    return { kind, files: given }
  }

  if (options.undeploy && accepts.includes('undeploy')) {
    requireInfrastructure(given)
    return select('undeploy', ['infrastructureFile'])
  }
  if (given.deploymentFile !== undefined && accepts.includes('deployment')) return select('deployment', ['deploymentFile'])
  if (given.buildFile !== undefined && accepts.includes('build')) return select('build', ['buildFile'])
  if (given.architectureFile !== undefined) return select('architecture', ['architectureFile'])

  requireInfrastructure(given)
  if (given.servicesFile !== undefined || given.distributionFile !== undefined) {
    if (given.servicesFile === undefined) throw new DisnixError('MODELS_INVALID', 'ERROR: A services expression must be specified!')
    if (given.distributionFile === undefined) throw new DisnixError('MODELS_INVALID', 'ERROR: A distribution expression must be specified!')
    return select('models', ['servicesFile', 'infrastructureFile', 'distributionFile', 'packagesFile'])
  }
  if (given.packagesFile !== undefined) return select('packages', ['infrastructureFile', 'packagesFile'])
  throw new DisnixError('MODELS_INVALID', 'An unknown combination of models were provided!', {
    hint: 'give -s, -i and -d (and optionally -P), -P and -i, -A, -D (disnix-manifest), -B (disnix-instantiate) or --undeploy -i',
  })
}

function requireInfrastructure(given: Partial<Record<ModelFileArg, string>>): void {
  if (given.infrastructureFile === undefined) throw new DisnixError('MODELS_INVALID', 'ERROR: An infrastructure expression must be specified!')
}

function describe(kind: ModelKind): string {
  switch (kind) {
    case 'undeploy':
      return '--undeploy -i'
    case 'deployment':
      return 'a deployment model (-D)'
    case 'build':
      return 'a build model (-B)'
    case 'architecture':
      return 'an architecture model (-A)'
    case 'models':
      return 'the services, infrastructure and distribution models'
    case 'packages':
      return 'a packages model (-P -i)'
  }
}
