import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { targetKey } from '@disnix-ts/libinfrastructure'
import { parseToolArgv } from '@disnix-ts/libmain'
import { nixTestEnv, testDir } from '@disnix-ts/libmain/testing'
import { describe, expect, test } from 'vitest'
import { disnixNormalizeInfra } from '../tools/disnix-normalize-infra.js'
import { loadInfrastructure, normalizeInfraArgv } from './load-infrastructure.js'

const fixtures = fileURLToPath(new URL('../../fixtures/load-infrastructure/', import.meta.url))
const defaults = { targetProperty: 'hostname', clientInterface: 'disnix-ssh-client', env: nixTestEnv() }

describe('loadInfrastructure', () => {
  test('reads infrastructure XML with --xml', async () => {
    const infrastructure = await loadInfrastructure(join(fixtures, 'infrastructure.xml'), { ...defaults, xml: true })
    expect(Object.keys(infrastructure)).toEqual(['test1', 'test2'])
  })

  test('evaluates a Nix model through disnix-normalize-infra and fills in the defaults', async () => {
    const infrastructure = await loadInfrastructure(join(fixtures, 'infrastructure.nix'), defaults)
    expect(infrastructure.test1).toEqual({
      name: 'test1',
      properties: { hostname: 'test1.example.org', sshTarget: 'localhost:2222', meta: { description: 'first' } },
      containers: { 'mysql-database': { enabled: true, mysqlPort: 3306 }, process: {} },
      system: 'x86_64-linux',
      numOfCores: 2,
      clientInterface: 'disnix-ssh-client',
      targetProperty: 'hostname',
    })
    expect(infrastructure.test2?.clientInterface).toBe('disnix-client')
    expect(infrastructure.test2?.numOfCores).toBe(1)
  })

  test('honours the given target property (QUIRK §5.1: the original ignored --target-property)', async () => {
    const infrastructure = await loadInfrastructure(join(fixtures, 'infrastructure.nix'), { ...defaults, targetProperty: 'sshTarget' })
    expect(infrastructure.test1?.targetProperty).toBe('sshTarget')
    expect(targetKey(infrastructure.test2!)).toBe('localhost:2223')
  })

  test('names a missing model file', async () => {
    await expect(loadInfrastructure('/nonexistent/infrastructure.nix', defaults)).rejects.toThrow(
      'The infrastructure model: /nonexistent/infrastructure.nix does not exist',
    )
  })

  test('reports a Nix syntax error of the model', async () => {
    const dir = await testDir()
    const file = join(dir, 'infrastructure.nix')
    await writeFile(file, '{ test1 = { properties.hostname = "x"; }')
    await expect(loadInfrastructure(file, defaults)).rejects.toThrow(/syntax error/)
  })
})

describe('normalizeInfraArgv', () => {
  test.each<[string, { targetProperty: string; clientInterface: string; showTrace?: boolean }]>([
    ['defaults', { targetProperty: 'hostname', clientInterface: 'disnix-ssh-client' }],
    ['every option', { targetProperty: 'ssh Target', clientInterface: '/opt/my interface', showTrace: true }],
  ])('disnix-normalize-infra parses back what the coordinator asks for (%s)', async (_, options) => {
    const parsed = await parseToolArgv(disnixNormalizeInfra, normalizeInfraArgv('-odd/infrastructure.nix', options))
    expect(parsed).toEqual({
      opts: { raw: true, targetProperty: options.targetProperty, interface: options.clientInterface, ...(options.showTrace ? { showTrace: true } : {}) },
      args: ['-odd/infrastructure.nix'],
    })
  })
})
