import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { runBin } from '@disnix-ts/libmain/testing'
import { describeClientInterface } from '../client-interface-scenario.js'

describeClientInterface('disnix-run-activity', async (scenario) => {
  const tmpdir = join(scenario.dir, 'tmp')
  await mkdir(tmpdir)
  return {
    tmpdir,
    run: (args) => runBin('disnix-run-activity', args, { env: { ...scenario.env, TMPDIR: tmpdir } }),
    stop: async () => undefined,
  }
})
