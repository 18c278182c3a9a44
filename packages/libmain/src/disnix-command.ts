import { Command } from 'commander'
import { VERSION } from './version.js'

export interface ToolCommandOptions {
  /** Which suite the tool belongs to; shown in `--version`. */
  suite?: 'disnix' | 'dysnomia'
}

/**
 * A commander Command with the conventions shared by every tool: `-h/--help`, `-v/--version` printing
 * `<tool> (disnix-ts <suite> VERSION)`, errors for unknown options and excess arguments (exit 1).
 */
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

/** Appends man-page style sections (Environment, Exit status, ...) after the generated help. */
export function helpSections(sections: Record<string, string | readonly string[]>): string {
  const out: string[] = []
  for (const [title, body] of Object.entries(sections)) {
    out.push('', `${title}:`)
    const lines = typeof body === 'string' ? body.split('\n') : body
    for (const line of lines) out.push(line === '' ? '' : `  ${line}`)
  }
  return out.join('\n')
}
