import { Option } from 'commander'
import { defineTool, plainProgress, positiveInteger } from '@disnix-ts/libmain'
import { DISCOVERY_HELP, discoveryOptions } from '../cli/discovery-options.js'
import { dydisnixSession, tmpdirOf } from '../cli/dydisnix-session.js'
import { DYNAMIC_ENVIRONMENT, dynamicOptions, dynamicSteps, type DynamicOptions } from '../cli/dynamic-options.js'

export interface DydisnixSelfAdaptOptions extends DynamicOptions {
  interval: number
  maxIterations?: number
  once?: boolean
  snapshot?: boolean
  reconstruct?: boolean
}

export const dydisnixSelfAdapt = defineTool<DydisnixSelfAdaptOptions, undefined, []>({
  name: 'dydisnix-self-adapt',
  summary: 'Watch the machines and redeploy the system whenever one is lost, added or changed',
  session: dydisnixSession,
  options: [
    ...dynamicOptions(),
    ...discoveryOptions(),
    new Option('--interval <seconds>', 'Time between two rounds').default(5).argParser(positiveInteger),
    new Option('--max-iterations <n>', 'Stop after this many rounds').argParser(positiveInteger),
    new Option('--once', 'One round only (the same as --max-iterations 1)'),
    new Option('--snapshot', 'In every round without a change, copy the state of the stateful services to the coordinator (disnix-snapshot), so that it survives the loss of its machine'),
    new Option('--reconstruct', 'Before redeploying, rebuild the coordinator\'s manifest from what the targets run (disnix-reconstruct)'),
  ],
  sections: {
    Rounds: [
      'Every round captures the infrastructure. When it differs from the one last deployed to, the distribution is',
      'generated again and deployed (as dydisnix-env does): the services of a lost machine move to the others, and',
      'a stateful service (deployState = true) gets the last snapshot of its state that the coordinator holds.',
      'Otherwise, with --snapshot, the state of the stateful services is copied to the coordinator. A round that',
      'fails (no machine answers, a deployment fails) is reported and tried again in the next round.',
      'Progress lines start with [coordinator]: Round N: ...; SIGINT or SIGTERM ends the loop after the current step.',
    ],
    Infrastructure: DISCOVERY_HELP,
  },
  environment: DYNAMIC_ENVIRONMENT,
  exitStatuses: [
    { status: 0, meaning: 'stopped by a signal or after the last round, which succeeded' },
    { status: 1, meaning: 'bad options, or the last round failed' },
  ],
  async run({ opts, io }) {
    const { mkdtemp } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const { selfAdapt } = await import('@disnix-ts/libdydisnix')
    const progress = plainProgress(io.stderr)
    const sessionDir = await mkdtemp(join(tmpdirOf(io.env), 'dydisnix-self-adapt-'))
    const steps = dynamicSteps(opts, sessionDir, { snapshot: opts.snapshot, reconstruct: opts.reconstruct })
    const controller = new AbortController()
    const stop = (signal: string) => {
      if (!controller.signal.aborted) progress({ kind: 'message', text: `Received ${signal}: stopping after the current step` })
      controller.abort()
    }
    if (io.main) {
      // Listeners stay for the whole run: execa's exit handler re-raises a signal that no other listener
      // handles, which would kill us while a step finishes.
      process.on('SIGINT', () => stop('SIGINT'))
      process.on('SIGTERM', () => stop('SIGTERM'))
    }
    const result = await selfAdapt({
      steps,
      progress,
      intervalMs: opts.interval * 1000,
      maxIterations: opts.once ? 1 : opts.maxIterations,
      signal: controller.signal,
    })
    progress({ kind: 'message', text: `Stopped after ${result.iterations} round(s): ${result.deployments} deployment(s), ${result.failures} failed round(s)` })
    return result.lastRoundFailed ? 1 : 0
  },
})
