import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { runBin } from '@disnix-ts/test-utils'
import { describeClientInterface } from '@disnix-ts/interface-conformance'

describeClientInterface('disnix-run-activity', async (scenario) => {
  const tmpdir = join(scenario.dir, 'tmp')
  await mkdir(tmpdir)
  return {
    tmpdir,
    run: (args) => runBin('disnix-run-activity', args, { env: { ...scenario.env, TMPDIR: tmpdir } }),
    stop: async () => undefined,
  }
})
