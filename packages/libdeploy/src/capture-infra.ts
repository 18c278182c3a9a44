import { readFile, rm } from 'node:fs/promises'
import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { hasErrorCode } from '@disnix-ts/libmain'
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

/**
 * The SSH client prints the expression; `disnix-run-activity` (used directly on this machine) prints
 * the path of a temp file holding it, which we read and remove.
 */
async function capturedExpression(output: string): Promise<string> {
  const text = output.replace(/\n+$/, '')
  if (/^\/[^\s{]*$/.test(text)) {
    try {
      const content = await readFile(text, 'utf8')
      await rm(text, { force: true })
      return content.replace(/\n+$/, '')
    } catch (error) {
      if (!hasErrorCode(error, 'ENOENT')) throw error
    }
  }
  return text
}

function nixString(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replaceAll('${', '\\${').replaceAll('\n', '\\n')}"`
}
