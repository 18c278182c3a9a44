import { Writable } from 'node:stream'
import { execa, ExecaError } from 'execa'
import { DisnixError, FAILURE_CONTEXT_LINES, lastLines, redact, toolPath } from '@disnix-ts/libmain'

/** Who to call and how: the same for every client-interface operation. */
export interface InterfaceCall {
  /** The client interface: one of ours (`disnix-ssh-client`, ...), a name on PATH, or a path. */
  interface: string
  /** The target key passed as `--target`. */
  target: string
  /** Extra environment for the interface (SSH_OPTS, TMPDIR, ...), merged over the parent's. */
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  /** Receives the interface's stderr as it comes; without it stderr is kept for the error message. */
  stderr?: Writable
  /** Values that must never appear in an error message. */
  secrets?: readonly string[]
}

export interface RunInterfaceOptions {
  /** What the call does, for the error message: "import closure". */
  step: string
  /** Its own process group, so a Ctrl-C in the terminal does not kill a service activity. */
  detached?: boolean
  /** Hand the terminal to the interface (the shell operation). */
  interactive?: boolean
}

/** The interfaces this installation ships; they are found next to us before PATH. */
const BUILT_IN_INTERFACES = new Set(['disnix-ssh-client', 'disnix-client', 'disnix-run-activity'])

/** The executable to spawn for an interface name. */
export function resolveInterface(name: string): string {
  return BUILT_IN_INTERFACES.has(name) ? toolPath(name) : name
}

/**
 * Runs the interface with `args` (an argument array, never a shell string) and returns its stdout.
 * A non-zero exit becomes a DisnixError `INTERFACE_FAILED` naming the target and the step.
 */
export async function runInterface(call: InterfaceCall, args: readonly string[], options: RunInterfaceOptions): Promise<string> {
  if (!options.interactive && runsInProcess(call)) return runInProcess(call, args, options)
  const file = resolveInterface(call.interface)
  const stderrChunks: string[] = []
  const child = execa(file, [...args], {
    env: call.env,
    cancelSignal: call.signal,
    detached: options.detached,
    stdin: options.interactive ? 'inherit' : 'ignore',
    stdout: options.interactive ? 'inherit' : 'pipe',
    stderr: options.interactive ? 'inherit' : 'pipe',
    stripFinalNewline: false,
    encoding: 'utf8',
    reject: false,
  })
  child.stderr?.on('data', (chunk: Buffer | string) => {
    if (call.stderr) call.stderr.write(chunk)
    else stderrChunks.push(String(chunk))
  })
  const result = await child
  if (result.failed) throw interfaceError(call, options.step, file, result, stderrChunks.join(''))
  return typeof result.stdout === 'string' ? result.stdout : ''
}

/**
 * Whether a call goes to the built-in SSH client in this process instead of a process of it
 * (ARCHITECTURE §5): saves a Node start per remote operation, with the same results (the same
 * command-line code runs). DISNIX_IN_PROCESS_INTERFACE=0 spawns the executable instead.
 */
function runsInProcess(call: InterfaceCall): boolean {
  return call.interface === 'disnix-ssh-client' && childEnv(call).DISNIX_IN_PROCESS_INTERFACE !== '0'
}

/** The environment a child interface gets: ours with the call's over it (execa's default). */
function childEnv(call: InterfaceCall): NodeJS.ProcessEnv {
  return { ...process.env, ...call.env }
}

async function runInProcess(call: InterfaceCall, args: readonly string[], options: RunInterfaceOptions): Promise<string> {
  const prefix = `[target: ${call.target}]: `
  if (call.signal?.aborted) throw new DisnixError('INTERFACE_CANCELLED', redact(`${prefix}${options.step} failed (${call.interface}: cancelled)`, call.secrets ?? []))
  const { runSshClientCommand } = await import('@disnix-ts/disnix-ssh')
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  const collect = (into: Buffer[], forward?: Writable): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (forward) forward.write(chunk)
        else into.push(chunk)
        callback()
      },
    })
  const exitCode = await runSshClientCommand(args, { env: childEnv(call), stdout: collect(stdout), stderr: collect(stderr, call.stderr), signal: call.signal })
  if (exitCode !== 0 || call.signal?.aborted) {
    const result = call.signal?.aborted ? { isCanceled: true } : { exitCode }
    throw interfaceError(call, options.step, call.interface, result, Buffer.concat(stderr).toString())
  }
  return Buffer.concat(stdout).toString()
}

/** Runs the interface with the terminal attached and returns its exit status (the shell). */
export async function runInterfaceInteractive(call: InterfaceCall, args: readonly string[], step: string): Promise<number> {
  const file = resolveInterface(call.interface)
  const result = await execa(file, [...args], { env: call.env, cancelSignal: call.signal, stdio: 'inherit', reject: false })
  if (result.exitCode === undefined) throw interfaceError(call, step, file, result, '')
  return result.exitCode
}

function interfaceError(call: InterfaceCall, step: string, file: string, result: ExecaError | { code?: string; exitCode?: number; signal?: string; isCanceled?: boolean }, stderr: string): DisnixError {
  const secrets = call.secrets ?? []
  const prefix = `[target: ${call.target}]: `
  if ((result as { code?: string }).code === 'ENOENT') {
    return new DisnixError('INTERFACE_NOT_FOUND', redact(`${prefix}${step}: cannot execute client interface ${call.interface}: not found`, secrets), {
      hint: `check --interface / DISNIX_CLIENT_INTERFACE (${file})`,
    })
  }
  const r = result as { exitCode?: number; signal?: string; isCanceled?: boolean }
  const status = r.isCanceled ? 'cancelled' : r.signal ? `killed by ${r.signal}` : `exit status ${r.exitCode ?? 'unknown'}`
  const tail = lastLines(stderr, FAILURE_CONTEXT_LINES)
  const message = `${prefix}${step} failed (${call.interface}: ${status})${tail ? `\n${tail}` : ''}`
  return new DisnixError(r.isCanceled ? 'INTERFACE_CANCELLED' : 'INTERFACE_FAILED', redact(message, secrets))
}

/** stdout split on newlines, the empty trailing element dropped (spec §3.1). */
export function outputLines(stdout: string): string[] {
  const lines = stdout.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}
