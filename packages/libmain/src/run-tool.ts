import { CommanderError, type Command } from 'commander'
import { DisnixError } from './disnix-error.js'

export interface RunToolOptions {
  /** Prefix of the error line, e.g. `[coordinator]: `. Dysnomia's tools print bare messages. */
  errorPrefix?: string
  argv?: readonly string[]
}

/**
 * Parses the command line and runs the tool's action. This is the only place that prints an error or
 * decides the exit status: a DisnixError prints as one line (plus `hint:`), anything else is a bug and
 * prints its stack. The action reports its status through `process.exitCode`.
 */
export async function runTool(program: Command, options: RunToolOptions = {}): Promise<void> {
  // A reader that goes away (`disnix-query | head`) is not an error of ours.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
      process.exit(process.exitCode ?? 0)
    })
  }
  program.exitOverride()
  try {
    await program.parseAsync(options.argv ? [...options.argv] : process.argv)
  } catch (error) {
    const report = errorReport(error, options.errorPrefix ?? '')
    process.stderr.write(report.text)
    process.exitCode = report.exitCode
  }
}

/**
 * Runs a tool's command line in this process for an in-process caller and returns the exit status
 * the executable would have: an error is reported on `stderr` as runTool reports it (no prefix), and
 * the action reports its own status through `onStatus` of `makeProgram`.
 */
export async function runToolInProcess(
  makeProgram: (onStatus: (status: number) => void) => Command,
  argv: readonly string[],
  stderr: { write(text: string): unknown },
): Promise<number> {
  let status = 0
  const program = makeProgram((s) => (status = s)).exitOverride()
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return status
  } catch (error) {
    const report = errorReport(error, '')
    stderr.write(report.text)
    return report.exitCode
  }
}

/** What a tool prints for an error and the status it exits with. */
export interface ErrorReport {
  text: string
  exitCode: number
}

/**
 * The one mapping of errors to messages and exit statuses, shared by runTool and by the tools that
 * also run in-process (`disnix-ssh-client` in a coordinator, `disnix-run-activity --serve`).
 */
export function errorReport(error: unknown, prefix: string): ErrorReport {
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help/version text).
    return { text: '', exitCode: error.exitCode }
  }
  if (error instanceof DisnixError) {
    return { text: `${prefix}${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`, exitCode: error.exitCode }
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  return { text: `${prefix}internal error (this is a bug in disnix-ts):\n${detail}\n`, exitCode: 70 }
}
