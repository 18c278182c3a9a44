import { join } from 'node:path'
import { execa } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { runBin } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

const echoModule = join(bundledModulesDir(), 'echo')

describe('echo module', () => {
  test.each([
    ['activate', 'Echo module: Activate service: /srv/comp'],
    ['deactivate', 'Echo module: Deactivate service: /srv/comp'],
    ['lock', 'Echo module: Lock service: /srv/comp'],
    ['unlock', 'Echo module: Unlock service: /srv/comp'],
    ['snapshot', 'Echo module: Snapshot state of service: /srv/comp'],
    ['restore', 'Echo module: Restore state of service: /srv/comp'],
    ['collect-garbage', 'Echo module: Collect garbage of service: /srv/comp'],
  ])('%s prints its line and the environment', async (operation, line) => {
    const result = await execa(echoModule, [operation, '/srv/comp', 'my-container'], { env: { fooProperty: 'bar baz' }, extendEnv: false })
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe(line)
    expect(lines[1]).toBe('Environment variables:')
    expect(lines).toContain("fooProperty='bar baz'")
    expect(result.stderr).toBe('')
  })

  test('check prints its line and the environment, and reports healthy last', async () => {
    const result = await execa(echoModule, ['check', '/srv/comp', 'my-container'], { env: { fooProperty: 'bar baz' }, extendEnv: false })
    const lines = result.stdout.split('\n')
    expect(lines[0]).toBe('Echo module: Check service: /srv/comp')
    expect(lines).toContain("fooProperty='bar baz'")
    expect(lines.at(-1)).toBe('healthy: the echo module has nothing to verify for: /srv/comp')
    expect(result.exitCode).toBe(0)
  })

  test('through dysnomia --operation check: healthy', async () => {
    const result = await runBin('dysnomia', ['--type', 'echo', '--environment', '--operation', 'check', '--component', '/tmp'])
    expect(result).toEqual({ stdout: 'healthy: the echo module has nothing to verify for: /tmp\n', stderr: '', exitCode: 0 })
  })

  test('shell prints its greeting on stderr; an unknown operation only prints the environment', async () => {
    const shell = await execa(echoModule, ['shell', '/srv/comp'])
    expect(shell.stderr).toBe('This is the echo shell session')
    const bogus = await execa(echoModule, ['bogus', '/srv/comp'])
    expect(bogus.exitCode).toBe(0)
    expect(bogus.stdout.split('\n')[0]).toBe('Environment variables:')
  })
})
