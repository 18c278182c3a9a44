import { isDisnixError, type ProgressSink } from '@disnix-ts/libmain'
import { targetChanges, type InfrastructureState } from './infrastructure-state.js'

/**
 * The steps of a dynamic deployment. Each is a process of its own in the tools (dydisnix-discover or
 * a --geninfra command, dydisnix-augment-infra, dydisnix-gendist, dydisnix-id-assign, disnix-env,
 * disnix-snapshot, disnix-reconstruct); the loop below only decides when to run which.
 */
export interface DynamicSteps {
  /** An infrastructure model of the machines that are there now (a file path). */
  discover(): Promise<string>
  /** The model with what discovery cannot see added (or the same file without an augmentation model). */
  augment(infrastructureFile: string): Promise<string>
  state(infrastructureFile: string): Promise<InfrastructureState>
  /** Rebuilds the coordinator's manifest from what the targets run (--reconstruct). */
  reconstruct?(infrastructureFile: string): Promise<void>
  /** A distribution model for the infrastructure (a file path). */
  generate(infrastructureFile: string): Promise<string>
  /** Updates the IDs file for the distribution (with an ID resources model). */
  assignIds?(infrastructureFile: string, distributionFile: string): Promise<void>
  deploy(infrastructureFile: string, distributionFile: string): Promise<void>
  /** Copies the state of every stateful service to the coordinator (--snapshot). */
  snapshot?(): Promise<void>
}

export interface DeployDynamicallyOptions {
  steps: DynamicSteps
  progress: ProgressSink
}

/** One dynamic deployment (dydisnix-env): discover → augment → generate → assign IDs → deploy. */
export async function deployDynamically(options: DeployDynamicallyOptions): Promise<{ infrastructureFile: string; distributionFile: string }> {
  const { steps, progress } = options
  const infrastructureFile = await captureInfrastructure(steps, progress)
  return { infrastructureFile, distributionFile: await redeploy(steps, progress, infrastructureFile) }
}

async function captureInfrastructure(steps: DynamicSteps, progress: ProgressSink): Promise<string> {
  progress({ kind: 'message', text: 'Capturing the infrastructure...' })
  const captured = await steps.discover()
  const infrastructureFile = await steps.augment(captured)
  progress({ kind: 'message', text: `Using infrastructure model: ${infrastructureFile}` })
  return infrastructureFile
}

async function redeploy(steps: DynamicSteps, progress: ProgressSink, infrastructureFile: string): Promise<string> {
  if (steps.reconstruct) {
    progress({ kind: 'message', text: 'Reconstructing the manifest from the targets...' })
    await steps.reconstruct(infrastructureFile)
  }
  progress({ kind: 'message', text: 'Generating a distribution model...' })
  const distributionFile = await steps.generate(infrastructureFile)
  progress({ kind: 'message', text: `Using generated distribution model: ${distributionFile}` })
  if (steps.assignIds) {
    progress({ kind: 'message', text: 'Updating the ID assignments...' })
    await steps.assignIds(infrastructureFile, distributionFile)
  }
  progress({ kind: 'message', text: 'Deploying the system...' })
  await steps.deploy(infrastructureFile, distributionFile)
  return distributionFile
}

export interface SelfAdaptOptions {
  steps: DynamicSteps
  progress: ProgressSink
  /** Time between two rounds. */
  intervalMs: number
  /** Stop after this many rounds (undefined: until aborted). */
  maxIterations?: number
  signal?: AbortSignal
  /** Waits `ms` or until the signal aborts (injectable for tests). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** The clock for the timings in the progress lines. */
  now?: () => number
}

export interface SelfAdaptResult {
  iterations: number
  deployments: number
  /** Rounds in which something failed (discovery, deployment or snapshot); the loop went on. */
  failures: number
  lastRoundFailed: boolean
}

/**
 * The self-adaptation loop (dydisnix-self-adapt). Every round discovers the infrastructure; when it
 * differs from the one last deployed to (a target lost, added or changed), a new distribution is
 * generated and deployed, so that the services of a lost machine come back on the others (a stateful
 * service with its last snapshot on the coordinator, restored by disnix-env's migration). When nothing
 * changed and snapshots are requested, the state of the stateful services is copied to the coordinator
 * so that it survives the loss of its machine. A failing round is reported and retried in the next
 * round; the loop ends after `maxIterations` rounds or when the signal aborts.
 */
export async function selfAdapt(options: SelfAdaptOptions): Promise<SelfAdaptResult> {
  const { steps, progress } = options
  const sleep = options.sleep ?? abortableSleep
  const now = options.now ?? Date.now
  let deployed: InfrastructureState | undefined
  const result: SelfAdaptResult = { iterations: 0, deployments: 0, failures: 0, lastRoundFailed: false }
  while (!options.signal?.aborted && (options.maxIterations === undefined || result.iterations < options.maxIterations)) {
    result.iterations++
    result.lastRoundFailed = false
    const started = now()
    progress({ kind: 'message', text: `Round ${result.iterations}: capturing the infrastructure...` })
    try {
      const infrastructureFile = await steps.augment(await steps.discover())
      const state = await steps.state(infrastructureFile)
      if (deployed === undefined || state.hash !== deployed.hash) {
        progress({ kind: 'message', text: changeText(deployed, state) })
        await redeploy(steps, progress, infrastructureFile)
        deployed = state
        result.deployments++
        progress({ kind: 'message', text: `Round ${result.iterations}: deployed on ${state.targets.join(', ') || 'no targets'} (${((now() - started) / 1000).toFixed(1)} s)` })
      } else {
        progress({ kind: 'message', text: `Round ${result.iterations}: no change in the infrastructure (targets: ${state.targets.join(', ')})` })
        if (steps.snapshot) {
          progress({ kind: 'message', text: 'Capturing the state of the stateful services...' })
          await steps.snapshot()
        }
      }
    } catch (error) {
      if (!isDisnixError(error)) throw error
      result.failures++
      result.lastRoundFailed = true
      progress({ kind: 'message', text: `Round ${result.iterations} failed: ${error.message}` })
      progress({ kind: 'message', text: 'The deployment stays as it was; trying again in the next round' })
    }
    if (options.signal?.aborted || (options.maxIterations !== undefined && result.iterations >= options.maxIterations)) break
    progress({ kind: 'message', text: `Waiting for ${options.intervalMs / 1000} seconds...` })
    await sleep(options.intervalMs, options.signal)
  }
  return result
}

function changeText(previous: InfrastructureState | undefined, current: InfrastructureState): string {
  if (previous === undefined) return `Deploying on the discovered targets: ${current.targets.join(', ') || '(none)'}`
  const { lost, added } = targetChanges(previous.targets, current.targets)
  const parts = [...(lost.length > 0 ? [`lost: ${lost.join(', ')}`] : []), ...(added.length > 0 ? [`added: ${added.join(', ')}`] : [])]
  return `A change in the infrastructure has been detected (${parts.length > 0 ? parts.join('; ') : 'target properties changed'})`
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
