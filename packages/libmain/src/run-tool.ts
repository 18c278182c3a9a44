import { CommanderError } from 'commander'
import { ChildProcessError, DisnixError } from './disnix-error.js'
import { commandFor, subcommandOptionsFirst, toolExitStatuses } from './tool-command.js'
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
  let argv = process.argv.slice(2)
  if (process.env[ARGV_ON_STDIN] === '1') {
    // Started ahead of its command line: load what the run needs while the caller gets it ready.
    delete process.env[ARGV_ON_STDIN]
    const preloading = tool.preload?.().catch(() => undefined) // the run's own imports report a failure
    const given = await argvFromStdin()
    if (given === undefined) return // not needed after all: nothing done, nothing printed
    if (given === 'invalid') {
      process.stderr.write(`${tool.name}: ${ARGV_ON_STDIN}=1, but standard input is not a JSON array of arguments\n`)
      process.exitCode = 1
      return
    }
    await preloading
    argv = given
  }
  process.exitCode = await runTool(tool, argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, main: true })
}

/**
 * With this variable set to 1, an executable tool starts at once and reads its command line from
 * stdin, as one JSON array of strings; empty input ends it at once with status 0. For compositions of
 * tools (disnix-env's startSiblingToolAhead): the next step loads its libraries while the previous one still runs.
 */
export const ARGV_ON_STDIN = 'DISNIX_ARGV_ON_STDIN'

async function argvFromStdin(): Promise<string[] | 'invalid' | undefined> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return undefined
  try {
    const value: unknown = JSON.parse(text)
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[]
  } catch {
    // reported below
  }
  return 'invalid'
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
  let opened: { session: unknown } | undefined
  const command = commandFor(tool, io, async ({ opts, args, subcommand, isDefault }) => {
    const run = subcommand?.run ?? tool.run
    if (run === undefined) throw new Error(`${tool.name} defines neither run nor commands`)
    const session = await tool.session.open({ opts, io, tool: tool.name })
    opened = { session }
    status = (await run({ opts, args, session, io, isDefault })) ?? 0
  })
  if (tool.helpWithoutArguments && argv.length === 0) {
    command.outputHelp({ error: true })
    return 1
  }
  let report: ErrorReport | undefined
  let failure: unknown
  try {
    await command.parseAsync(subcommandOptionsFirst(tool, argv), { from: 'user' })
  } catch (error) {
    failure = error
    report = errorReport(tool, error)
  }
  let reported = false
  if (opened !== undefined && tool.session.close !== undefined) {
    const exitStatus = report?.exitStatus ?? status
    const outcome = report === undefined ? { exitStatus } : { exitStatus, error: failure, errorText: report.text }
    try {
      reported = (await tool.session.close(opened.session, outcome)) === true
    } catch (error) {
      // A session that cannot close (a progress stream gone bad) still ends the run with a message.
      if (report === undefined) report = errorReport(tool, error)
    }
  }
  if (report !== undefined && !reported) io.stderr.write(report.text)
  return report?.exitStatus ?? status
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
