import type { Option } from 'commander'
import { commandFor } from './tool-command.js'
import type { ToolDefinition } from './tool-definition.js'

/**
 * The command line that makes a tool see `opts` and `args`, built from the tool's own definition, for
 * a caller that starts it as a process (disnix-env runs disnix-manifest and disnix-deploy, as the
 * original composes them). `parseToolArgv` is its inverse; tests check the round trip.
 *
 * Every option with a value is passed explicitly, also when it equals the default, so that the
 * child's environment (DISNIX_PROFILE, ...) cannot override what the caller decided.
 */
export function toolArgv<O, A extends unknown[]>(tool: ToolDefinition<O, unknown, A>, opts: Partial<O>, args: A): string[] {
  const values = opts as Record<string, unknown>
  const argv: string[] = []
  for (const option of tool.options) {
    const value = values[option.attributeName()]
    if (value === undefined) continue
    argv.push(...optionArgv(option, value))
  }
  const positional = args.flatMap((arg) => (arg === undefined ? [] : Array.isArray(arg) ? arg.map(String) : [String(arg)]))
  if (positional.some((arg) => arg.startsWith('-'))) argv.push('--')
  argv.push(...positional)
  return argv
}

function optionArgv(option: Option, value: unknown): string[] {
  const flag = option.long ?? option.short
  if (flag === undefined) throw new Error(`option ${option.flags} has no flag`)
  if (option.negate) return value === false ? [flag] : []
  if (option.isBoolean()) return value === true ? [flag] : []
  if (Array.isArray(value)) return value.flatMap((item) => [flag, String(item)])
  return [flag, String(value)]
}

/** What a tool's command line parses to: its options and positional arguments (no run). */
export async function parseToolArgv<O, A extends unknown[]>(tool: ToolDefinition<O, unknown, A>, argv: readonly string[]): Promise<{ opts: O; args: A }> {
  let parsed: { opts: O; args: A } | undefined
  const sink = { write: () => true } as unknown as NodeJS.WritableStream & import('node:stream').Writable
  const command = commandFor(tool, { stdout: sink, stderr: sink, main: false }, async ({ opts, args }) => {
    parsed = { opts: opts as O, args: args as A }
  })
  await command.parseAsync([...argv], { from: 'user' })
  if (parsed === undefined) throw new Error(`${tool.name}: the command line did not reach the action`)
  return parsed
}
