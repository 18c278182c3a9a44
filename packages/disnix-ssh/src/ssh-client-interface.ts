import { Writable } from 'node:stream'
import { errorReport } from '@disnix-ts/libmain'
import {
  interfaceError,
  operationSpec,
  parseResult,
  processInterface,
  type CallOptions,
  type ClientInterface,
  type InterfaceRequest,
  type InterfaceResult,
} from '@disnix-ts/libinterface'
import type { ConnectionParams } from './resolve-connection.js'

export interface SshClientInterfaceOptions {
  /** disnix-ssh-client's environment: SSH_OPTS, SSH_USER, DISNIX_REMOTE_CLIENT, DISNIX_SSH_PERSIST, TMPDIR, ... */
  env: NodeJS.ProcessEnv
}

const NAME = 'disnix-ssh-client'

/**
 * disnix-ssh-client in this process (ARCHITECTURE §5): each request runs directly over the SSH
 * session code, without starting a client process, through the same connection-sharing master as the
 * executable. Results and errors are those of the executable (`processInterface('disnix-ssh-client')`)
 * by construction: its output is written and read the same way, a failure reported as the executable
 * reports it (its definition's messages and exit statuses). The shell needs a terminal and starts the
 * executable.
 */
export function sshClientInterface(options: SshClientInterfaceOptions): ClientInterface {
  const { env } = options
  // Every request of this interface has the same environment, so a target's ssh settings are read once.
  const resolved = new Map<string, ConnectionParams>()
  return {
    name: NAME,
    // Every operation of the protocol table, run by the disnix-run-activity of this version on the target.
    knows: () => true,
    async call<R extends InterfaceRequest>(target: string, request: R, call: CallOptions = {}): Promise<InterfaceResult<R>> {
      const spec = operationSpec(request.op)
      if (spec.result === 'status') return processInterface(NAME, { env }).call(target, request, call)
      const aborted = (): boolean => call.signal?.aborted === true
      if (aborted()) throw interfaceError(NAME, target, request, { cancelled: true }, call)
      const stdout = collector()
      const stderr = collector(call.stderr)
      let status: number
      try {
        const { runSshRequest } = await import('./run-ssh-request.js')
        status = await runSshRequest(target, request, { env, stdout: stdout.stream, stderr: stderr.stream, signal: call.signal, tmpdir: call.tmpdir, resolved })
      } catch (error) {
        const { disnixSshClient } = await import('./tools/disnix-ssh-client.js')
        const report = errorReport(disnixSshClient, error)
        stderr.stream.write(report.text)
        status = report.exitStatus
      }
      if (status !== 0 || aborted()) {
        const outcome = aborted() ? { cancelled: true } : { exitStatus: status }
        throw interfaceError(NAME, target, request, { ...outcome, ...(call.stderr ? { shownStderr: stderr.shown() } : { stderr: stderr.text() }) }, call)
      }
      return parseResult(spec.result, stdout.text()) as InterfaceResult<R>
    },
  }
}

/**
 * A stream that keeps what it gets, or passes it on to `forward` (which then keeps only its end, for
 * the error of a failed call: why it failed).
 */
function collector(forward?: Writable): { stream: Writable; text: () => string; shown: () => string } {
  const chunks: Buffer[] = []
  let shown = ''
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (forward) {
        forward.write(chunk)
        shown = (shown + chunk.toString()).slice(-SHOWN_STDERR_KEPT)
      } else chunks.push(chunk)
      callback()
    },
  })
  return { stream, text: () => Buffer.concat(chunks).toString(), shown: () => shown }
}

/** Characters of a passed-on stderr kept for the error of a failed call. */
const SHOWN_STDERR_KEPT = 4096
