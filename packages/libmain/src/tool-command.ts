import { Command, type Option } from 'commander'
import type { EnvironmentVariable, ExitStatus, SubcommandDefinition, ToolDefinition, ToolIo } from './tool-definition.js'
import { VERSION } from './version.js'

/** What the command line chose: the options, the positional arguments, and the subcommand if any. */
export interface ParsedCommandLine {
  opts: unknown
  args: unknown[]
  /** The subcommand that runs (`commands`); undefined for the tool itself. */
  subcommand?: SubcommandDefinition
  isDefault(option: string): boolean
}

/**
 * The commander Command of a tool definition, with the conventions every tool shares: `-h/--help`,
 * `-v/--version` printing `<tool> (disnix-ts <suite>) VERSION`, errors with suggestions for unknown
 * options and excess arguments (exit 1), and the help sections generated from the definition.
 * `action` receives what the command line chose.
 */
export function commandFor(tool: ToolDefinition, io: Pick<ToolIo, 'stdout' | 'stderr' | 'main'>, action: (parsed: ParsedCommandLine) => Promise<void>): Command {
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
  if (tool.run !== undefined) onAction(command, tool.arguments, undefined, action)
  // Subcommands inherit the settings above (output, help option, exit override) from their parent.
  for (const subcommand of tool.commands ?? []) {
    const sub = command.command(subcommand.name).description(subcommand.summary)
    for (const argument of subcommand.arguments ?? []) sub.addArgument(argument)
    for (const option of subcommand.options) sub.addOption(option)
    subcommand.configure?.(sub)
    sub.addHelpText('after', helpSections(environmentSection(optionEnvironment(subcommand.options))))
    onAction(sub, subcommand.arguments, subcommand, action)
  }
  return command
}

function onAction(command: Command, declared: readonly unknown[] | undefined, subcommand: SubcommandDefinition | undefined, action: (parsed: ParsedCommandLine) => Promise<void>): void {
  command.action(async (...params: unknown[]) => {
    // commander passes each declared argument, then the options and the command itself.
    const args = params.slice(0, (declared ?? []).length)
    await action({ opts: command.opts(), args, subcommand, isDefault: (option) => command.getOptionValueSource(option) === 'default' })
  })
}

/** Every environment variable a tool reads: those of its options, its own, and its session's. */
export function toolEnvironment(tool: ToolDefinition): EnvironmentVariable[] {
  const options = [...tool.options, ...(tool.commands ?? []).flatMap((subcommand) => subcommand.options)]
  return uniqueVariables([...optionEnvironment(options), ...(tool.environment ?? []), ...(tool.session.environment ?? [])])
}

function optionEnvironment(options: readonly Option[]): EnvironmentVariable[] {
  return uniqueVariables(options.flatMap((option) => (option.envVar === undefined ? [] : [{ name: option.envVar, meaning: optionEnvMeaning(option) }])))
}

function uniqueVariables(variables: readonly EnvironmentVariable[]): EnvironmentVariable[] {
  const seen = new Map<string, EnvironmentVariable>()
  for (const variable of variables) if (!seen.has(variable.name)) seen.set(variable.name, variable)
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
  const sections: Record<string, readonly string[]> = environmentSection(toolEnvironment(tool))
  const statuses = toolExitStatuses(tool)
  if (statuses.length > 0) {
    const label = (s: ExitStatus) => (s.status === 'child' ? 'N' : String(s.status))
    const width = Math.max(...statuses.map((s) => label(s).length)) + 2
    sections['Exit status'] = statuses.flatMap((s) => indentContinuation(`${label(s).padEnd(width)}${s.meaning}`, width))
  }
  return sections
}

function environmentSection(environment: readonly EnvironmentVariable[]): Record<string, readonly string[]> {
  if (environment.length === 0) return {}
  const width = Math.max(...environment.map((v) => v.name.length)) + 2
  return { Environment: environment.flatMap((v) => indentContinuation(`${v.name.padEnd(width)}${v.meaning}`, width)) }
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
