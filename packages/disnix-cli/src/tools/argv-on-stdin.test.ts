import { join } from 'node:path'
import { runBin, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

// DISNIX_ARGV_ON_STDIN=1: how disnix-env starts disnix-deploy while it still builds the manifest.
// The tool loads its libraries, then takes its command line from stdin; what it then does and prints
// is exactly what it does with that command line as its arguments.

const ahead = (input: string) => runBin('disnix-deploy', [], { input, env: { DISNIX_ARGV_ON_STDIN: '1' } })

describe('a tool started ahead of its command line (DISNIX_ARGV_ON_STDIN)', () => {
  test('a command line on stdin does exactly what the same arguments do', async () => {
    expect(await ahead(JSON.stringify(['--version']))).toEqual(await runBin('disnix-deploy', ['--version']))
    const dir = await testDir()
    const missing = join(dir, 'no-such-manifest.xml')
    const given = await ahead(JSON.stringify(['--coordinator-profile-path', dir, missing]))
    expect(given).toEqual(await runBin('disnix-deploy', ['--coordinator-profile-path', dir, missing]))
    expect(given.exitCode).not.toBe(0)
    expect(given.stderr).toContain(missing)
  })

  test('empty input (the step is not needed after all) ends it at once: status 0, nothing printed', async () => {
    expect(await ahead('')).toEqual({ stdout: '', stderr: '', exitCode: 0 })
  })

  test('input that is not a JSON array of strings is refused with one line', async () => {
    for (const input of ['--version', '{"argv":[]}', '[1,2]']) {
      expect(await ahead(input)).toEqual({ stdout: '', stderr: 'disnix-deploy: DISNIX_ARGV_ON_STDIN=1, but standard input is not a JSON array of arguments\n', exitCode: 1 })
    }
  })
})
