import { Command, CommanderError } from 'commander'
import { DisnixError } from './disnix-error.js'
import { VERSION } from './version.js'

// The command-line shape of the tools before `defineTool`; removed once every tool is defined.

export interface ToolCommandOptions {
  suite?: 'disnix' | 'dysnomia'
}

/** @deprecated define the tool with `defineTool` */
export function toolCommand(name: string, description: string, options: ToolCommandOptions = {}): Command {
  const suite = options.suite ?? 'disnix'
  return new Command(name)
    .description(description)
    .version(`${name} (disnix-ts ${suite}) ${VERSION}`, '-v, --version', 'Show the version of this tool')
    .helpOption('-h, --help', 'Show this help text')
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .configureHelp({ sortOptions: false, helpWidth: 100 })
}

/** @deprecated generated from the tool definition */
export function helpSections(sections: Record<string, string | readonly string[]>): string {
  const out: string[] = []
  for (const [title, body] of Object.entries(sections)) {
    out.push('', `${title}:`)
    const lines = typeof body === 'string' ? body.split('\n') : body
    for (const line of lines) out.push(line === '' ? '' : `  ${line}`)
  }
  return out.join('\n')
}

export interface RunToolOptions {
  errorPrefix?: string
  argv?: readonly string[]
}

/** @deprecated use `runMain` with a tool definition */
export async function runTool(program: Command, options: RunToolOptions = {}): Promise<void> {
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
    const report = legacyErrorReport(error, options.errorPrefix ?? '')
    process.stderr.write(report.text)
    process.exitCode = report.exitCode
  }
}

/** @deprecated use `runToolInProcess` with a tool definition */
export async function runCommandLineInProcess(
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
    const report = legacyErrorReport(error, '')
    stderr.write(report.text)
    return report.exitCode
  }
}

/** @deprecated */
export function legacyErrorReport(error: unknown, prefix: string): { text: string; exitCode: number } {
  if (error instanceof CommanderError) return { text: '', exitCode: error.exitCode }
  if (error instanceof DisnixError) {
    // A failed child's own status counts only where a tool's definition says so (`'child'`).
    const exitCode = error.exitCode ?? 1
    return { text: `${prefix}${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`, exitCode }
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  return { text: `${prefix}internal error (this is a bug in disnix-ts):\n${detail}\n`, exitCode: 70 }
}
