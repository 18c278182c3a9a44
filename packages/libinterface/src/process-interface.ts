import { execaOutcome, toolPath } from '@disnix-ts/libmain'
import { interfaceError, type CallOptions, type ClientInterface, type ClientInterfaces } from './client-interface.js'
import { parseResult, type InterfaceResult } from './interface-result.js'
import { operationSpec, type InterfaceRequest } from './operations.js'
import { interfaceArgv } from './request-argv.js'

/** Characters of a relayed stderr kept for the error of a failed call. */
const SHOWN_STDERR_KEPT = 4096

/** The interfaces this installation ships; they are found next to us before PATH. */
const BUILT_IN_INTERFACES = new Set(['disnix-ssh-client', 'disnix-client', 'disnix-run-activity'])

export interface ProcessInterfaceOptions {
  /** Environment for the interface (SSH_OPTS, DISNIX_REMOTE_CLIENT, ...), over this process's. */
  env?: NodeJS.ProcessEnv
}

/**
 * A client interface that is an executable (spec §3.1): one process per call, with the request's
 * arguments (an argument array, never a shell string), stdout parsed as the operation's result. Our own
 * interfaces and third-party ones (a SOAP client, a wrapper script) alike.
 */
export function processInterface(name: string, options: ProcessInterfaceOptions = {}): ClientInterface {
  const file = resolveInterface(name)
  const hint = `check --interface / DISNIX_CLIENT_INTERFACE (${file})`
  return {
    name,
    async call<R extends InterfaceRequest>(target: string, request: R, call: CallOptions = {}): Promise<InterfaceResult<R>> {
      const spec = operationSpec(request.op)
      const env = call.tmpdir === undefined ? options.env : { ...options.env, TMPDIR: call.tmpdir }
      // Loaded on first use: execa is most of a tool's start-up time.
      const { execa } = await import('execa')
      const argv = interfaceArgv(target, request)
      if (spec.result === 'status') {
        // The shell: the terminal is the interface's.
        const result = await execa(file, argv, { env, cancelSignal: call.signal, stdio: 'inherit', reject: false })
        if (result.exitCode === undefined) throw interfaceError(name, target, request, execaOutcome(result, ''), call, hint)
        return result.exitCode as InterfaceResult<R>
      }
      const stderr: string[] = []
      const child = execa(file, argv, {
        env,
        cancelSignal: call.signal,
        detached: spec.ownProcessGroup === true,
        stdin: 'ignore',
        stdout: 'pipe',
        stderr: 'pipe',
        stripFinalNewline: false,
        encoding: 'utf8',
        reject: false,
      })
      // What was passed on is kept too (its end only), for the error's stderrTail: why the call failed.
      let shown = ''
      child.stderr.on('data', (chunk: Buffer | string) => {
        if (call.stderr) {
          call.stderr.write(chunk)
          shown = (shown + String(chunk)).slice(-SHOWN_STDERR_KEPT)
        } else stderr.push(String(chunk))
      })
      const result = await child
      if (result.failed) throw interfaceError(name, target, request, { ...execaOutcome(result, stderr.join('')), ...(call.stderr ? { shownStderr: shown } : {}) }, call, hint)
      return parseResult(spec.result, typeof result.stdout === 'string' ? result.stdout : '') as InterfaceResult<R>
    },
  }
}

/** Every interface as a process: what a library uses when its caller injected nothing else. */
export function processInterfaces(env?: NodeJS.ProcessEnv): ClientInterfaces {
  const made = new Map<string, ClientInterface>()
  return (name) => {
    let iface = made.get(name)
    if (iface === undefined) made.set(name, (iface = processInterface(name, { env })))
    return iface
  }
}

/** The executable to spawn for an interface name. */
export function resolveInterface(name: string): string {
  return BUILT_IN_INTERFACES.has(name) ? toolPath(name) : name
}
