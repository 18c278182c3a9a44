import pLimit from 'p-limit'
import { targetClient, type TargetClient } from '@disnix-ts/libinterface'
import { DisnixError } from '@disnix-ts/libmain'
import { copyClosureFrom, copyClosureTo } from '@disnix-ts/libpkgmgmt'
import { contextInterfaces, errorText, type DeployContext } from './deploy-context.js'

/** A distributed derivation (spec §2.5), as libdistderivation parses it. */
export interface BuildOnTargetsOptions extends DeployContext {
  derivationMappings: ReadonlyArray<{ derivation: string; interface: string }>
  interfaces: Readonly<Record<string, { targetAddress: string; clientInterface: string }>>
  /** Closures transferred at once (-m). */
  maxConcurrentTransfers: number
}

/** The output paths of each derivation, built on its target and now in this machine's store. */
export type BuildResults = Record<string, string[]>

/**
 * disnix-build (spec §5.9): sends each store derivation's closure to the target that builds it (at
 * most `maxConcurrentTransfers` at once), realises all of them at once on their targets, then copies
 * the outputs' closures back. Each phase finishes for every mapping before it fails, naming the
 * targets that failed.
 */
export async function buildOnTargets(options: BuildOnTargetsOptions): Promise<BuildResults> {
  const { progress } = options
  const limit = pLimit(options.maxConcurrentTransfers)
  const copyOptions = { tmpdir: options.tmpdir, nixEnv: options.nixEnv, signal: options.signal }
  const mappings = options.derivationMappings.map((m) => ({ ...m, target: interfaceCall(options, m.interface) }))

  progress({ kind: 'message', text: 'Distributing store derivation files...' })
  await eachMapping(options, 'distribute derivation', mappings, (m) =>
    limit(async () => {
      progress({ kind: 'step', target: m.interface, step: 'distribute derivation', status: 'start', text: `Receiving intra-dependency closure of store derivation: ${m.derivation}` })
      await copyClosureTo(m.target, [m.derivation], copyOptions)
      progress({ kind: 'step', target: m.interface, step: 'distribute derivation', status: 'done' })
    }),
  )

  progress({ kind: 'message', text: 'Building...' })
  const results: BuildResults = {}
  await eachMapping(options, 'realise', mappings, async (m) => {
    progress({ kind: 'step', target: m.interface, step: 'realise', status: 'start', text: `Realising derivation: ${m.derivation}` })
    results[m.derivation] = await m.target.call({ op: 'realise', paths: [m.derivation] })
    progress({ kind: 'step', target: m.interface, step: 'realise', status: 'done' })
  })

  progress({ kind: 'message', text: 'Retrieving build results...' })
  await eachMapping(options, 'retrieve results', mappings, (m) =>
    limit(async () => {
      const outputs = results[m.derivation] ?? []
      progress({ kind: 'step', target: m.interface, step: 'retrieve results', status: 'start', text: `Sending intra-dependency closure of: ${outputs.join(' ')}` })
      await copyClosureFrom(m.target, outputs, copyOptions)
      progress({ kind: 'step', target: m.interface, step: 'retrieve results', status: 'done' })
    }),
  )
  return results
}

function interfaceCall(options: BuildOnTargetsOptions, name: string): TargetClient {
  const target = options.interfaces[name]
  if (target === undefined) throw new DisnixError('DISTRIBUTED_DERIVATION_INVALID', `The distributed derivation refers to an unknown interface: ${name}`)
  return targetClient(contextInterfaces(options)(target.clientInterface), target.targetAddress, { signal: options.signal, stderr: options.interfaceStderr })
}

/** Runs `fn` for every mapping; afterwards fails naming each target that failed, with its first error. */
async function eachMapping<M extends { interface: string; derivation: string }>(
  { progress }: DeployContext,
  step: string,
  mappings: readonly M[],
  fn: (m: M) => Promise<void>,
): Promise<void> {
  const failures: string[] = []
  await Promise.all(
    mappings.map(async (m) => {
      try {
        await fn(m)
      } catch (error) {
        // The message comes once, in the error; this only closes the step in a live view.
        progress({ kind: 'step', target: m.interface, step, status: 'failed' })
        failures.push(`[target: ${m.interface}]: ${step} of ${m.derivation} failed:\n${errorText(error)}`)
      }
    }),
  )
  if (failures.length > 0) throw new DisnixError('BUILD_FAILED', failures.sort().join('\n'))
}
