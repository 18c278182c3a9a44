import { join } from 'node:path'
import { runBin, testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'

// The bundled modules for platforms or servers that cannot run here do not implement check: like any
// older module, their case falls through, and Dysnomia reports "unknown" (exit status 3), never a
// failure.
const WITHOUT_CHECK = [
  'axis2-webservice',
  'bsdrc-script',
  'cygrunsrv-service',
  'iis-webapplication',
  'launchd-daemon',
  'mssql-database',
  'nixos-configuration',
  's6-rc-service',
]

describe('bundled modules without check', () => {
  test.each(WITHOUT_CHECK)('%s: check is unknown', async (module) => {
    const dir = await testDir()
    const result = await runBin('dysnomia', ['--type', module, '--environment', '--operation', 'check', '--component', dir], {
      env: { DYSNOMIA_STATEDIR: join(dir, 'state') },
    })
    expect(result).toEqual({ stdout: `unknown: module ${module} does not implement check\n`, stderr: '', exitCode: 3 })
  })
})
