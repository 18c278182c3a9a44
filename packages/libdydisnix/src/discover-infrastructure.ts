import { capturedExpression, processInterface } from '@disnix-ts/libinterface'
import { type ProgressSink } from '@disnix-ts/libmain'
import { quoteNixString } from '@disnix-ts/libxmlmodel'
import type { CandidateHost } from './candidate-hosts.js'

export const DEFAULT_DISCOVERY_TIMEOUT_SECONDS = 10

export interface DiscoverOptions {
  candidates: readonly CandidateHost[]
  /** How long a candidate may take to answer before it counts as absent. */
  timeoutMs: number
  /** Environment for the client interfaces (SSH_OPTS, ...). */
  env?: NodeJS.ProcessEnv
  progress: ProgressSink
  signal?: AbortSignal
}

export interface DiscoveredInfrastructure {
  /** An infrastructure model (a Nix expression) of the candidates that answered. */
  expression: string
  found: string[]
  /** Candidates that did not answer in time or refused, with the reason. */
  absent: Array<{ name: string; reason: string }>
}

/**
 * Probes every candidate at once through its client interface (`--capture-config`, as
 * disnix-capture-infra does) and builds an infrastructure model of those that answer within the
 * timeout: each target gets the properties and containers its Dysnomia configuration reports, with
 * its address property set to the address it answered on.
 */
export async function discoverInfrastructure(options: DiscoverOptions): Promise<DiscoveredInfrastructure> {
  const { candidates, progress } = options
  type Probe = { candidate: CandidateHost; expression: string; reason?: undefined } | { candidate: CandidateHost; expression?: undefined; reason: string }
  const results = await Promise.all(
    candidates.map(async (candidate): Promise<Probe> => {
      const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])]
      try {
        const output = await processInterface(candidate.clientInterface, { env: options.env }).call(candidate.address, { op: 'capture-config' }, { signal: AbortSignal.any(signals) })
        progress({ kind: 'step', target: candidate.name, step: 'discover', status: 'done', text: 'Answered: capturing its configuration' })
        return { candidate, expression: await capturedExpression(output) }
      } catch (error) {
        const timedOut = signals[0]!.aborted
        const reason = timedOut ? `no answer within ${options.timeoutMs / 1000} s` : failureReason(error, candidate.name)
        progress({ kind: 'step', target: candidate.name, step: 'discover', status: 'skipped', text: `Not available: ${reason}` })
        return { candidate, reason }
      }
    }),
  )
  const found = results.flatMap((r) => (r.expression === undefined ? [] : [{ candidate: r.candidate, expression: r.expression }])).sort((a, b) => (a.candidate.name < b.candidate.name ? -1 : 1))
  const lines = ['{']
  for (const { candidate, expression } of found) lines.push(`  ${quoteNixString(candidate.name)} = ${targetExpression(candidate, expression).split('\n').join('\n  ')};`)
  lines.push('}')
  return {
    expression: `${lines.join('\n')}\n`,
    found: found.map((r) => r.candidate.name),
    absent: results.flatMap((r) => (r.reason === undefined ? [] : [{ name: r.candidate.name, reason: r.reason }])).sort((a, b) => (a.name < b.name ? -1 : 1)),
  }
}

/** The captured configuration with the address property (and non-default interface settings) added. */
function targetExpression(candidate: CandidateHost, captured: string): string {
  const property = quoteNixString(candidate.targetProperty)
  const extra = [
    candidate.clientInterface === 'disnix-ssh-client' ? '' : ` clientInterface = ${quoteNixString(candidate.clientInterface)};`,
    candidate.targetProperty === 'hostname' ? '' : ` targetProperty = ${quoteNixString(candidate.targetProperty)};`,
  ].join('')
  return `let captured = ${captured}; in\ncaptured // {\n  properties = (captured.properties or { }) // { ${property} = ${quoteNixString(candidate.address)}; };${extra}\n}`
}


/**
 * Why a candidate did not answer, said once: the interface's report names the target itself
 * (`[target: t]: capture config failed … [target: t]: unreachable: …`), so the most specific part,
 * after its last prefix, is the reason.
 */
function failureReason(error: unknown, name: string): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 2).join(' ').trim()
  const prefix = `[target: ${name}]: `
  const last = message.lastIndexOf(prefix)
  return last === -1 ? message : message.slice(last + prefix.length).trim()
}
