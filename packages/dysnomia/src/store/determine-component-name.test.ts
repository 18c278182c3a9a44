import { join } from 'node:path'
import { execa } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { describe, expect, test } from 'vitest'
import { determineComponentName, determineContainerName } from './determine-component-name.js'

const util = join(bundledModulesDir(), 'lib', 'util')
const hash = '0123456789abcdfghijklmnpqrsvwxyz'

async function bash(fn: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execa('bash', ['-c', 'source "$0"; "$@"', util, fn, ...args], { env, stdin: 'ignore' })
  return stdout
}

describe('determineComponentName', () => {
  test.each([
    [`/nix/store/${hash}-testdb`, 'testdb'],
    ['/var/run/current-system', 'current-system'],
    ['/srv/components/web app', 'web app'],
    ['relative/dir/', 'dir'],
  ])('%s → %s (TypeScript and bash agree)', async (path, name) => {
    expect(determineComponentName(path)).toBe(name)
    expect(await bash('determineComponentName', [path])).toBe(name)
  })

  test('honours NIX_STORE_DIR', async () => {
    const path = `/opt/store/${hash}-testdb`
    expect(determineComponentName(path, { storeDir: '/opt/store' })).toBe('testdb')
    expect(determineComponentName(path)).toBe(`${hash}-testdb`)
    expect(await bash('determineComponentName', [path], { NIX_STORE_DIR: '/opt/store' })).toBe('testdb')
  })
})

describe('determineContainerName', () => {
  test('is the type without a container, else the stripped basename', async () => {
    expect(determineContainerName('', 'mysql-database')).toBe('mysql-database')
    expect(determineContainerName(undefined, 'mysql-database')).toBe('mysql-database')
    expect(determineContainerName(`/nix/store/${hash}-mysql-container`, 'x')).toBe('mysql-container')
    expect(await bash('determineContainerName', ['', 'mysql-database'])).toBe('mysql-database')
    expect(await bash('determineContainerName', [`/nix/store/${hash}-mysql-container`, 'x'])).toBe('mysql-container')
  })

  test('composeUtilityVariables sets the three names from $0 $2 $3', async () => {
    const { stdout } = await execa('bash', ['-c', 'source "$0"; composeUtilityVariables "$1" "$2" "$3"; echo "$typeIdentifier|$componentName|$containerName"', util, '/x/modules/fileset', `/nix/store/${hash}-web`, ''], { stdin: 'ignore' })
    expect(stdout).toBe('fileset|web|fileset')
  })
})
