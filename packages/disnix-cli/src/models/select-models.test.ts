import { describe, expect, test } from 'vitest'
import { selectModels, type ModelKind } from './select-models.js'

const MANIFEST: ModelKind[] = ['models', 'packages', 'architecture', 'deployment', 'undeploy']
const INSTANTIATE: ModelKind[] = ['models', 'packages', 'architecture', 'build']

describe('selectModels', () => {
  test.each([
    [{ services: 's', infrastructure: 'i', distribution: 'd' }, MANIFEST, 'models', { servicesFile: 's', infrastructureFile: 'i', distributionFile: 'd' }],
    [{ services: 's', infrastructure: 'i', distribution: 'd', packages: 'p' }, MANIFEST, 'models', { servicesFile: 's', infrastructureFile: 'i', distributionFile: 'd', packagesFile: 'p' }],
    [{ packages: 'p', infrastructure: 'i' }, MANIFEST, 'packages', { packagesFile: 'p', infrastructureFile: 'i' }],
    [{ architecture: 'a' }, MANIFEST, 'architecture', { architectureFile: 'a' }],
    [{ deployment: 'x' }, MANIFEST, 'deployment', { deploymentFile: 'x' }],
    [{ undeploy: true, infrastructure: 'i' }, MANIFEST, 'undeploy', { infrastructureFile: 'i' }],
    [{ build: 'b' }, INSTANTIATE, 'build', { buildFile: 'b' }],
  ] as const)('%o gives %s models', (options, accepts, kind, files) => {
    expect(selectModels(options, accepts)).toEqual({ kind, files })
  })

  test.each([
    [{ services: 's', distribution: 'd' }, MANIFEST, 'ERROR: An infrastructure expression must be specified!'],
    [{ undeploy: true }, MANIFEST, 'ERROR: An infrastructure expression must be specified!'],
    [{ infrastructure: 'i', distribution: 'd' }, MANIFEST, 'ERROR: A services expression must be specified!'],
    [{ infrastructure: 'i', services: 's' }, MANIFEST, 'ERROR: A distribution expression must be specified!'],
    [{ infrastructure: 'i' }, MANIFEST, 'An unknown combination of models were provided!'],
    [{}, INSTANTIATE, 'ERROR: An infrastructure expression must be specified!'],
    [{ deployment: 'x', infrastructure: 'i' }, MANIFEST, 'An unknown combination of models were provided! (-i/--infrastructure cannot be combined with a deployment model (-D))'],
    [{ undeploy: true, infrastructure: 'i', services: 's' }, MANIFEST, 'An unknown combination of models were provided! (-s/--services cannot be combined with --undeploy -i)'],
    [{ packages: 'p', infrastructure: 'i', architecture: 'a' }, MANIFEST, 'An unknown combination of models were provided! (-i/--infrastructure, -P/--packages cannot be combined with an architecture model (-A))'],
  ] as const)('%o is rejected: %s', (options, accepts, message) => {
    expect(() => selectModels(options, accepts)).toThrow(message)
    try {
      selectModels(options, accepts)
    } catch (error) {
      expect(error).toMatchObject({ code: 'MODELS_INVALID', message })
    }
  })
})
