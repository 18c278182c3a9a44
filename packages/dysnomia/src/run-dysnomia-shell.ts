import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ChildProcessError, DisnixError, quoteShellArg } from '@disnix-ts/libmain'
import { propertyValueString } from './config-file.js'
import { prepareDysnomiaInvocation, type DysnomiaInvocation, type DysnomiaRequest } from './prepare-dysnomia-invocation.js'
import { runModule, streamOption, type ModuleStdio } from './run-dysnomia-operation.js'

export interface RunDysnomiaShellOptions extends Omit<DysnomiaRequest, 'operation'>, ModuleStdio {
  /** Shell commands to run in the session instead of an interactive prompt. */
  command?: string
}

/**
 * `dysnomia --shell`: runs `MODULE shell COMPONENT CONTAINER` (which prints the module's help to
 * stderr), then a bash session with the container properties, DYSNOMIA_STATEDIR and `this_*`
 * variables exported. Returns the exit status of the session.
 *
 * QUIRK §1.4/B.4: the original only worked on a terminal (bash ignores --rcfile when it is not
 * interactive) and sourced the module into the session. We run the module as a child, so variables the
 * module computes are not injected; `--command` runs without a terminal; without `--command` the
 * session is forced interactive, so commands piped into stdin see the same variables.
 */
export async function runDysnomiaShell(options: RunDysnomiaShellOptions): Promise<number> {
  const invocation = await prepareDysnomiaInvocation({ ...options, operation: 'shell' })
  const moduleStatus = await runModule(invocation, { ...options, stdin: 'ignore' })
  if (moduleStatus !== 0) {
    throw new ChildProcessError('MODULE_FAILED', `Module: ${invocation.module} failed to start a shell session (exit status ${moduleStatus})`, {
      exitStatus: moduleStatus,
    })
  }
  const dir = await mkdtemp(join(tmpdir(), 'dysnomia-shell-'))
  try {
    const rcFile = join(dir, 'rc')
    await writeFile(rcFile, shellRcFile(invocation), { mode: 0o600 })
    const args =
      options.command === undefined
        ? ['--rcfile', rcFile, '-i']
        : // The commands are the user's shell code; they are passed as an argument, not pasted into a script.
          ['-c', 'source "$1"; eval "$2"', 'dysnomia-shell', rcFile, options.command]
    const { execa } = await import('execa')
    const result = await execa('bash', args, {
      env: { ...options.env, DYSNOMIA_STATEDIR: options.stateDir },
      extendEnv: false,
      cwd: options.cwd,
      stdin: options.stdin ?? 'inherit',
      stdout: streamOption(options.stdout),
      stderr: streamOption(options.stderr),
      cancelSignal: options.signal,
      reject: false,
      buffer: false,
    })
    if (result.exitCode !== undefined) return result.exitCode
    throw new DisnixError('SHELL_FAILED', `Cannot run the shell session: ${result.shortMessage}`, { cause: result })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The rc file of the session; every value in it is quoted with quoteShellArg. */
export function shellRcFile(invocation: DysnomiaInvocation): string {
  const lines = [
    '# Set a prompt that clearly shows the user that we are in a dysnomia shell',
    'if [ -n "$PS1" ]; then',
    '  [ -e ~/.bashrc ] && source ~/.bashrc',
    '  PROMPT_COLOR="1;32m"',
    '  [ "$UID" = "0" ] && PROMPT_COLOR="1;31m"',
    '  export PS1="\\n\\[\\033[$PROMPT_COLOR\\][dysnomia-shell:\\w]\\$\\[\\033[0m\\] "',
    'fi',
    '',
  ]
  for (const property of invocation.properties) {
    lines.push(`export ${property.name}=${quoteShellArg(propertyValueString(property.value))}`)
  }
  lines.push(
    'set +e',
    `export this_dysnomia_module=${quoteShellArg(invocation.module)}`,
    `export this_component=${quoteShellArg(invocation.componentPath)}`,
    `export this_container=${quoteShellArg(invocation.containerArg)}`,
    '',
    '{',
    '  echo',
    '  echo "General environment variables:"',
    '  echo "this_dysnomia_module     Path to the Dysnomia module"',
    '  echo "this_component           Path to the mutable component"',
    '  echo "this_container           Name of (or path to) the container"',
    '} >&2',
    '',
  )
  return lines.join('\n')
}
