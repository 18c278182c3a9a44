import { join } from 'node:path'
import { ChildProcessError, DisnixError, type ProgressSink } from '@disnix-ts/libmain'
import { assertDysnomiaOperation } from './dysnomia-operations.js'
import { queryActivatedComponents, queryAvailableComponents, queryGarbageComponents, type ContainerComponent } from './query-components.js'
import { streamOption, type ModuleStdio } from './run-dysnomia-operation.js'

export interface ContainersOperationOptions extends ModuleStdio {
  /** The `dysnomia` executable the operations run through (as the original runs `dysnomia`). */
  dysnomia: string
  /** The environment of the `dysnomia` children; DYSNOMIA_STATEDIR is set to `stateDir`. */
  env: NodeJS.ProcessEnv
  stateDir: string
  componentsPath: readonly string[]
  /** Restrict to this container name (-C). */
  container?: string
  progress: ProgressSink
}

/**
 * `dysnomia-containers --deploy`: deactivates every activated component that is no longer available,
 * then activates every available component that is not activated. The first failure stops it.
 */
export async function deployComponents(options: ContainersOperationOptions): Promise<void> {
  const available = await queryAvailableComponents(options.componentsPath, options.container)
  const activated = await queryActivatedComponents(options.stateDir, options.container)
  for (const item of activated) {
    if (available.some((a) => sameComponent(a, item))) continue
    options.progress({ kind: 'message', text: `Deactivating component: ${item.component} in container: ${item.container}` })
    await runDysnomia(options, 'deactivate', item, markerPath(options.stateDir, 'activated', item))
  }
  for (const item of available) {
    if (activated.some((a) => sameComponent(a, item))) continue
    options.progress({ kind: 'message', text: `Activating component: ${item.component} in container: ${item.container}` })
    await runDysnomia(options, 'activate', item, item.component)
  }
}

/**
 * `dysnomia-containers --operation OP` (and --snapshot, --restore): runs OP on every activated
 * component. QUIRK §5.2/B.10: as the original, the activated marker file is passed as the component,
 * so the module sees the component's name but not its contents; kept for compatibility.
 */
export async function executeOperationOnComponents(operation: string, options: ContainersOperationOptions): Promise<void> {
  if (operation === '') throw new DisnixError('USAGE', 'No operation specified!')
  // Refused here too, so that a typo is reported even when no component is activated.
  assertDysnomiaOperation(operation)
  for (const item of await queryActivatedComponents(options.stateDir, options.container)) {
    await runDysnomia(options, operation, item, markerPath(options.stateDir, 'activated', item))
  }
}

/** `dysnomia-containers --collect-garbage`: runs collect-garbage on every garbage-marked component. */
export async function collectComponentsGarbage(options: ContainersOperationOptions): Promise<void> {
  for (const item of await queryGarbageComponents(options.stateDir, options.container)) {
    options.progress({ kind: 'message', text: `Collecting garbage for component: ${item.component} in container: ${item.container}` })
    await runDysnomia(options, 'collect-garbage', item, markerPath(options.stateDir, 'garbage', item))
  }
}

function markerPath(stateDir: string, kind: 'activated' | 'garbage', item: ContainerComponent): string {
  return join(stateDir, kind, item.container, item.component)
}

function sameComponent(a: ContainerComponent, b: ContainerComponent): boolean {
  return a.container === b.container && a.component === b.component
}

async function runDysnomia(options: ContainersOperationOptions, operation: string, item: ContainerComponent, component: string): Promise<void> {
  const { execa } = await import('execa')
  const result = await execa(options.dysnomia, ['--operation', operation, '--container', item.container, '--component', component], {
    env: { ...options.env, DYSNOMIA_STATEDIR: options.stateDir },
    extendEnv: false,
    stdin: options.stdin ?? 'ignore',
    stdout: streamOption(options.stdout),
    stderr: streamOption(options.stderr),
    cancelSignal: options.signal,
    reject: false,
    buffer: false,
  })
  if (result.exitCode === 0) return
  const status = result.exitCode !== undefined ? `exit status ${result.exitCode}` : (result.signal ?? result.shortMessage)
  throw new ChildProcessError(
    'OPERATION_FAILED',
    `Cannot execute operation: ${operation} on component: ${item.component} in container: ${item.container} (${status})`,
    { exitStatus: result.exitCode, signal: result.signal },
  )
}
