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
    process.exitCode = reportError(error, options.errorPrefix ?? '')
  }
}

function reportError(error: unknown, prefix: string): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help/version text).
    return error.exitCode
  }
  if (error instanceof DisnixError) {
    process.stderr.write(`${prefix}${error.message}\n`)
    if (error.hint) process.stderr.write(`hint: ${error.hint}\n`)
    return error.exitCode
  }
  process.stderr.write(`${prefix}internal error (this is a bug in disnix-ts):\n`)
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  return 70
}
