import { helpSections, plainProgress, runTool, toolCommand } from '@disnix-ts/libmain'
import { addDiscoveryOptions, DISCOVERY_HELP } from '../cli/discovery-options.js'
import { addDynamicOptions, DYNAMIC_ENVIRONMENT_HELP, dynamicSteps, type DynamicOptions } from '../cli/dynamic-options.js'

const program = addDiscoveryOptions(
  addDynamicOptions(toolCommand('dydisnix-env', 'Deploy a system on the machines that are there: discover, augment, generate the distribution, assign IDs, disnix-env')),
).addHelpText(
  'after',
  helpSections({
    Steps: [
      '1. capture the infrastructure (see below), 2. dydisnix-augment-infra with -a, 3. dydisnix-gendist with the',
      'QoS model (previousDistribution is the profile\'s last deployment), 4. dydisnix-id-assign with --id-resources',
      'and --ids, 5. disnix-env. Each step is its own process; their output appears as they run.',
    ],
    Infrastructure: DISCOVERY_HELP,
    Environment: DYNAMIC_ENVIRONMENT_HELP,
    'Exit status': ['0  deployed', '1  a step failed (the message names it; a failed disnix-env leaves the previous configuration active)'],
  }),
)
  .action(async (opts: DynamicOptions) => {
    const { mkdtemp } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { deployDynamically } = await import('@disnix-ts/libdydisnix')
    const progress = plainProgress(process.stderr)
    const sessionDir = await mkdtemp(join(process.env.TMPDIR || '/tmp', 'dydisnix-env-'))
    const steps = dynamicSteps(opts, sessionDir)
    await deployDynamically({ steps, progress })
    progress({ kind: 'message', text: `The system has been deployed (session files: ${sessionDir})` })
  })

await runTool(program, { errorPrefix: '[coordinator]: ' })
