import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { capturedExpression } from '@disnix-ts/libinterface'
import { clientFor, errorText, type DeployContext } from './deploy-context.js'

export interface CaptureInfrastructureOptions extends DeployContext {
  infrastructure: Infrastructure
}

export interface CapturedInfrastructure {
  /** The Nix expression `{ "<target>" = <captured config>; … }` of the targets that answered. */
  expression: string
  /** Targets whose configuration could not be captured. */
  failed: string[]
}

/**
 * Captures every target's Dysnomia configuration (properties and containers) at once and combines
 * them into one infrastructure expression (spec §5.10). A failing target is reported and left out;
 * the caller decides the exit status from `failed`.
 */
export async function captureInfrastructure(options: CaptureInfrastructureOptions): Promise<CapturedInfrastructure> {
  const { infrastructure, progress } = options
  const names = Object.keys(infrastructure).sort()
  const failed: string[] = []
  const captured = await Promise.all(
    names.map(async (target) => {
      try {
        return { target, expression: await capturedExpression(await clientFor(infrastructure[target]!, options).call({ op: 'capture-config' })) }
      } catch (error) {
        failed.push(target)
        progress({ kind: 'step', target, step: 'capture config', status: 'failed', text: `Cannot capture the infrastructure configuration!\n${errorText(error)}` })
        return undefined
      }
    }),
  )
  const lines = ['{']
  for (const entry of captured) {
    if (entry !== undefined) lines.push(`  ${nixString(entry.target)} = ${entry.expression.split('\n').join('\n  ')};`)
  }
  lines.push('}')
  return { expression: `${lines.join('\n')}\n`, failed: failed.sort() }
}

function nixString(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replaceAll('${', '\\${').replaceAll('\n', '\\n')}"`
}
