import { CommanderError } from 'commander'
import { ChildProcessError, DisnixError } from './disnix-error.js'
import { commandFor, toolExitStatuses } from './tool-command.js'
import type { ToolDefinition, ToolIo } from './tool-definition.js'

/** The exit status of an error that is a bug of ours, not a user's mistake (BSD's EX_SOFTWARE). */
export const INTERNAL_ERROR_STATUS = 70

/**
 * Runs a tool as its own executable: parses `process.argv`, runs it in its session and ends the
 * process with its exit status. This and `runToolInProcess` are the only places that print an error
 * or choose an exit status.
 */
export async function runMain(tool: ToolDefinition): Promise<void> {
  // A reader that goes away (`disnix-query | head`) is not an error of ours.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
      process.exit(process.exitCode ?? 0)
    })
  }
  process.exitCode = await runTool(tool, process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, main: true })
}

/**
 * Runs a tool's command line in this process for an in-process caller (a coordinator calling its
 * SSH client, a served request) and returns the exit status the executable would have, with the same
 * output and messages on the given streams.
 */
export async function runToolInProcess(tool: ToolDefinition, argv: readonly string[], io: Omit<ToolIo, 'main'>): Promise<number> {
  return runTool(tool, argv, { ...io, main: false })
}

async function runTool(tool: ToolDefinition, argv: readonly string[], io: ToolIo): Promise<number> {
  let status = 0
  const command = commandFor(tool, io, async ({ opts, args, subcommand, isDefault }) => {
    const run = subcommand?.run ?? tool.run
    if (run === undefined) throw new Error(`${tool.name} defines neither run nor commands`)
    const session = await tool.session.open({ opts, io })
    try {
      status = (await run({ opts, args, session, io, isDefault })) ?? 0
    } finally {
      await tool.session.close?.(session)
    }
  })
  try {
    await command.parseAsync([...argv], { from: 'user' })
    return status
  } catch (error) {
    const report = errorReport(tool, error)
    io.stderr.write(report.text)
    return report.exitStatus
  }
}

/** What a tool prints for an error and the status it ends with. */
export interface ErrorReport {
  text: string
  exitStatus: number
}

/**
 * The one mapping of errors to messages and exit statuses: a DisnixError prints as its message (with
 * the session's prefix) and `hint:`, and ends with the status its code has in the tool's definition
 * (1 when none is declared); anything else is a bug and prints its stack.
 */
export function errorReport(tool: ToolDefinition, error: unknown): ErrorReport {
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help or version text).
    return { text: '', exitStatus: error.exitCode }
  }
  if (error instanceof DisnixError) {
    const prefix = tool.session.errorPrefix
    return { text: `${prefix}${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`, exitStatus: exitStatusOf(tool, error) }
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  return { text: `${tool.session.errorPrefix}internal error (this is a bug in disnix-ts):\n${detail}\n`, exitStatus: INTERNAL_ERROR_STATUS }
}

/** The status a DisnixError ends a tool with, as its definition declares. */
export function exitStatusOf(tool: ToolDefinition, error: DisnixError): number {
  for (const entry of toolExitStatuses(tool)) {
    if (!entry.codes?.includes(error.code) || (entry.when && !entry.when(error))) continue
    if (entry.status !== 'child') return entry.status
    if (error instanceof ChildProcessError && error.exitStatus !== undefined && error.exitStatus !== 0) return error.exitStatus
    return 1
  }
  return 1
}
