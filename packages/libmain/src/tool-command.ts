import { Command, type Option } from 'commander'
import type { EnvironmentVariable, ExitStatus, ToolDefinition, ToolIo } from './tool-definition.js'
import { VERSION } from './version.js'

/**
 * The commander Command of a tool definition, with the conventions every tool shares: `-h/--help`,
 * `-v/--version` printing `<tool> (disnix-ts <suite>) VERSION`, errors with suggestions for unknown
 * options and excess arguments (exit 1), and the help sections generated from the definition.
 * `action` receives the parsed options and the positional arguments.
 */
export function commandFor(tool: ToolDefinition, io: Pick<ToolIo, 'stdout' | 'stderr' | 'main'>, action: (opts: unknown, args: unknown[]) => Promise<void>): Command {
  const command = new Command(tool.name)
    .description(tool.summary)
    .version(`${tool.name} (disnix-ts ${tool.suite ?? 'disnix'}) ${VERSION}`, '-v, --version', 'Show the version of this tool')
    .helpOption('-h, --help', 'Show this help text')
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .configureHelp({ sortOptions: false, helpWidth: 100 })
    .exitOverride()
  if (tool.usage !== undefined) command.usage(tool.usage)
  for (const argument of tool.arguments ?? []) command.addArgument(argument)
  for (const option of tool.options) command.addOption(option)
  if (!io.main) command.configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
  tool.configure?.(command)
  command.addHelpText('after', helpSections({ ...tool.sections, ...generatedSections(tool) }))
  command.action(async (...params: unknown[]) => {
    // commander passes each declared argument, then the options and the command itself.
    const args = params.slice(0, (tool.arguments ?? []).length)
    await action(command.opts(), args)
  })
  return command
}

/** Every environment variable a tool reads: those of its options, its own, and its session's. */
export function toolEnvironment(tool: ToolDefinition): EnvironmentVariable[] {
  const seen = new Map<string, EnvironmentVariable>()
  for (const option of tool.options) {
    if (option.envVar !== undefined && !seen.has(option.envVar)) seen.set(option.envVar, { name: option.envVar, meaning: optionEnvMeaning(option) })
  }
  for (const variable of [...(tool.environment ?? []), ...(tool.session.environment ?? [])]) {
    if (!seen.has(variable.name)) seen.set(variable.name, variable)
  }
  return [...seen.values()]
}

/** Every exit status of a tool: its own, then its session's (e.g. 130 for an interruption). */
export function toolExitStatuses(tool: ToolDefinition): ExitStatus[] {
  const own = [...tool.exitStatuses]
  for (const status of tool.session.exitStatuses ?? []) {
    if (!own.some((s) => s.status === status.status)) own.push(status)
  }
  return own
}

function generatedSections(tool: ToolDefinition): Record<string, readonly string[]> {
  const sections: Record<string, readonly string[]> = {}
  const environment = toolEnvironment(tool)
  if (environment.length > 0) {
    const width = Math.max(...environment.map((v) => v.name.length)) + 2
    sections.Environment = environment.flatMap((v) => indentContinuation(`${v.name.padEnd(width)}${v.meaning}`, width))
  }
  const statuses = toolExitStatuses(tool)
  if (statuses.length > 0) {
    const label = (s: ExitStatus) => (s.status === 'child' ? 'N' : String(s.status))
    const width = Math.max(...statuses.map((s) => label(s).length)) + 2
    sections['Exit status'] = statuses.flatMap((s) => indentContinuation(`${label(s).padEnd(width)}${s.meaning}`, width))
  }
  return sections
}

function optionEnvMeaning(option: Option): string {
  const name = option.long ?? option.short ?? option.flags
  if (option.isBoolean()) return `when set, acts as ${name}`
  const fallback = option.defaultValue === undefined ? '' : ` (default: ${String(option.defaultValue)})`
  return `default for ${name}${fallback}`
}

/** Multi-line meanings keep their continuation lines under the first line's text. */
function indentContinuation(text: string, width: number): string[] {
  const [first, ...rest] = text.split('\n')
  return [first!, ...rest.map((line) => `${' '.repeat(width)}${line}`)]
}

/** Man-page style sections (Environment, Exit status, ...) after the generated help. */
function helpSections(sections: Readonly<Record<string, string | readonly string[]>>): string {
  const out: string[] = []
  for (const [title, body] of Object.entries(sections)) {
    out.push('', `${title}:`)
    const lines = typeof body === 'string' ? body.split('\n') : body
    for (const line of lines) out.push(line === '' ? '' : `  ${line}`)
  }
  return out.join('\n')
}
