import { describe, expect, test } from 'vitest'
import { checkIdResources, parseIdResourcesXml, printIdResourcesXml } from './id-resources.js'
import { checkIdsConfig, emptyIdsConfig, parseIdsXml, printIdsNix, printIdsXml } from './ids-config.js'

const label = 'ID resources model /m/idresources.nix'

describe('checkIdResources', () => {
  test('fills in scope global and step 1', () => {
    expect(checkIdResources({ ports: { min: 3000, max: 4000 } }, label)).toEqual({ ports: { min: 3000, max: 4000, scope: 'global', step: 1 } })
  })

  test.each([
    [[], 'must be an attribute set of resource name to { min, max, scope, step }, but it is a list'],
    [{ ports: 3000 }, "resource `ports' must be an attribute set { min, max, scope, step }, but it is an integer (3000)"],
    [{ ports: { max: 4000 } }, "resource `ports': attribute `min' is missing"],
    [{ ports: { min: '3000', max: 4000 } }, 'resource `ports\': attribute `min\' must be an integer, but it is a string ("3000")'],
    [{ ports: { min: 3000, max: 2000 } }, "resource `ports': attribute `max' (2000) is smaller than `min' (3000)"],
    [{ ports: { min: 1, max: 2, scope: 'cluster' } }, 'resource `ports\': attribute `scope\' must be "global" or "machine", but it is a string ("cluster")'],
    [{ ports: { min: 1, max: 2, step: 0 } }, "resource `ports': attribute `step' must be at least 1, but it is 0"],
    [{ ports: { min: 1, max: 2, mx: 3 } }, "resource `ports': attribute `mx' is not known (expected min, max, scope, step)"],
  ])('a bad model names the file and the attribute: %j', (value, message) => {
    expect(() => checkIdResources(value, label)).toThrow(`${label}: ${message}`)
  })

  test('the XML form reads back the same resources', () => {
    const resources = checkIdResources({ ports: { min: 3000, max: 4000, step: 2 }, uids: { min: 1, max: 9, scope: 'machine' } }, label)
    expect(parseIdResourcesXml(printIdResourcesXml(resources), 'idresources.xml')).toEqual(resources)
  })
})

describe('IDs file', () => {
  const config = { ...emptyIdsConfig(), ids: { ports: { web: 3001, api: 3000 } }, lastAssignments: { ports: 3001 }, lastAssignmentsPerTarget: { test1: { uids: 100 } }, assignmentTargets: { uids: { web: 'test1' } } }

  test('prints as Nix with sorted attributes and reads back from XML', () => {
    expect(printIdsNix(config)).toContain('"ports" = {\n      "api" = 3000;\n      "web" = 3001;\n    };')
    expect(parseIdsXml(printIdsXml(config), 'ids.xml')).toEqual(config)
  })

  test('a bad IDs file names the attribute', () => {
    expect(() => checkIdsConfig({ ids: { ports: { web: 'x' } } }, 'IDs file /m/ids.nix')).toThrow('IDs file /m/ids.nix: attribute `ids.ports.web\' must be an integer, but it is a string ("x")')
  })
})
