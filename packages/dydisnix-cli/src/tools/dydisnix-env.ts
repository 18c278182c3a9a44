import { defineTool, plainProgress } from '@disnix-ts/libmain'
import { DISCOVERY_HELP, discoveryOptions } from '../cli/discovery-options.js'
import { dydisnixSession, tmpdirOf } from '../cli/dydisnix-session.js'
import { DYNAMIC_ENVIRONMENT, dynamicOptions, dynamicSteps, type DynamicOptions } from '../cli/dynamic-options.js'

export const dydisnixEnv = defineTool<DynamicOptions, undefined, []>({
  name: 'dydisnix-env',
  summary: 'Deploy a system on the machines that are there: discover, augment, generate the distribution, assign IDs, disnix-env',
  session: dydisnixSession,
  options: [...dynamicOptions(), ...discoveryOptions()],
  sections: {
    Steps: [
      '1. capture the infrastructure (see below), 2. dydisnix-augment-infra with -a, 3. dydisnix-gendist with the',
      'QoS model (previousDistribution is the profile\'s last deployment), 4. dydisnix-id-assign with --id-resources',
      'and --ids, 5. disnix-env. Each step is its own process; their output appears as they run.',
    ],
    Infrastructure: DISCOVERY_HELP,
  },
  environment: DYNAMIC_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'deployed' },
    { status: 1, meaning: 'a step failed (the message names it; a failed disnix-env leaves the previous configuration active)' },
  ],
  async run({ opts, io }) {
    const { mkdtemp } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { deployDynamically } = await import('@disnix-ts/libdydisnix')
    const progress = plainProgress(io.stderr)
    const sessionDir = await mkdtemp(join(tmpdirOf(io.env), 'dydisnix-env-'))
    const steps = dynamicSteps(opts, sessionDir)
    await deployDynamically({ steps, progress })
    progress({ kind: 'message', text: `The system has been deployed (session files: ${sessionDir})` })
  },
})
