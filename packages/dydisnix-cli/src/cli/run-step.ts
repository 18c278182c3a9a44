import { runCommand, toolPath } from '@disnix-ts/libmain'

/**
 * Runs one step of a dynamic deployment as its own process (a sibling tool of this installation, or a
 * command on PATH): its progress and errors go straight to our stderr, its stdout is returned. A
 * failure becomes one line naming the step; the step's own message is already on stderr.
 */
export async function runStep(tool: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const { stdout } = await runCommand(toolPath(tool), args, { stderr: 'inherit', env: options.env, step: `${tool}` })
  return stdout
}

/** The last non-empty line of a tool's stdout (a store path or file path it printed). */
export function lastLine(stdout: string): string {
  return stdout.trim().split('\n').at(-1) ?? ''
}
