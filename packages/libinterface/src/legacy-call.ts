import type { Writable } from 'node:stream'
import { targetClient, type TargetClient } from './client-interface.js'
import { processInterface } from './process-interface.js'

/**
 * @deprecated A call as the tools that are not yet defined with a session build it (an interface
 * name, no ClientInterface); such an interface runs as a process. Removed with the last of them.
 */
export interface InterfaceCall {
  interface: string
  target: string
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  stderr?: Writable
  secrets?: readonly string[]
}

/** A TargetClient as it is, or one for a legacy call. */
export function toTargetClient(call: TargetClient | InterfaceCall): TargetClient {
  if (typeof call.interface !== 'string') return call as TargetClient
  const legacy = call as InterfaceCall
  return targetClient(processInterface(legacy.interface, { env: legacy.env }), legacy.target, {
    signal: legacy.signal,
    stderr: legacy.stderr,
    secrets: legacy.secrets,
  })
}
