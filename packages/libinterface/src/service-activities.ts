import { runInterface, runInterfaceInteractive, type InterfaceCall } from './run-interface.js'

/** One service on a target, as the Dysnomia activities need it. */
export interface ServiceActivity {
  /** The service's store path. */
  component: string
  container: string
  /** A Dysnomia module name, or the store path of a container-provider service. */
  type: string
  /** `KEY=VALUE` container properties, exported into the module's environment. */
  arguments?: readonly string[]
}

export type ActivityOperation = 'activate' | 'deactivate' | 'snapshot' | 'restore' | 'delete-state'

/** `--activate --target T --container C --type TYPE [--arguments K=V]… PKG`. */
export async function activate(call: InterfaceCall, service: ServiceActivity): Promise<void> {
  await runActivity(call, 'activate', service)
}

export async function deactivate(call: InterfaceCall, service: ServiceActivity): Promise<void> {
  await runActivity(call, 'deactivate', service)
}

export async function snapshot(call: InterfaceCall, service: ServiceActivity): Promise<void> {
  await runActivity(call, 'snapshot', service)
}

export async function restore(call: InterfaceCall, service: ServiceActivity): Promise<void> {
  await runActivity(call, 'restore', service)
}

export async function deleteState(call: InterfaceCall, service: ServiceActivity): Promise<void> {
  await runActivity(call, 'delete-state', service)
}

/**
 * Runs one Dysnomia activity through the interface, in its own process group so that a Ctrl-C in
 * the terminal reaches the coordinator (which then rolls back) and not the half-done activity.
 */
export async function runActivity(call: InterfaceCall, operation: ActivityOperation, service: ServiceActivity): Promise<void> {
  await runInterface(call, [`--${operation}`, ...activityArgs(call, service)], {
    step: `${operation} ${service.component}`,
    detached: true,
  })
}

/** `--shell … PKG [--command CMD]` with the terminal attached; returns the shell's exit status. */
export async function shell(call: InterfaceCall, service: ServiceActivity, command?: string): Promise<number> {
  const args = ['--shell', ...activityArgs(call, service), ...(command === undefined ? [] : ['--command', command])]
  return runInterfaceInteractive(call, args, `shell for ${service.component}`)
}

function activityArgs(call: InterfaceCall, service: ServiceActivity): string[] {
  const args = ['--target', call.target, '--container', service.container, '--type', service.type]
  for (const argument of service.arguments ?? []) args.push('--arguments', argument)
  args.push(service.component)
  return args
}
