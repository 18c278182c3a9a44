import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { PassThrough, Writable, type Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { ChildProcessError, DisnixError, hasErrorCode, quoteShellArg, quoteShellArgs } from '@disnix-ts/libmain'
import { requestArgv, type InterfaceRequest, type RequestOf } from '@disnix-ts/libinterface'
import { SSH_FAILURE_EXIT, targetError } from './target-error.js'
import type { ExecResult, PtyRequest, RemoteSession, ServedCall } from './remote-session.js'

export interface RemoteRequestIo {
  /** The target as the caller named it, for messages. */
  target: string
  /** The executable run on the target (DISNIX_REMOTE_CLIENT). */
  remoteClient: string
  stdout: Writable
  stderr: Writable
  /** Local temp dir for exported closures and snapshots (TMPDIR, created if missing). */
  tmpDir: string
  /** For `--shell`: the terminal. */
  stdin?: Readable
  pty?: PtyRequest
  watchResize?: (apply: (rows: number, cols: number) => void) => () => void
  /**
   * Whether plain calls of the remote client may run in its long-lived `--serve` session, when the
   * session goes through a connection-sharing master (DISNIX_SSH_SERVE; default yes).
   */
  serve?: boolean
}

/**
 * Carries out one request over a session, writing what disnix-ssh-client prints, and returns the exit
 * status: the remote command's status, 255 when it was killed by a signal. Plain requests are one call
 * of the remote client (`<remote client> ARGV`, spec §3.2); closures and snapshots stream over the
 * connection, and remote temp files are removed after use (QUIRK §10.4: the original leaks them).
 */
export async function runRemoteRequest(request: InterfaceRequest, session: RemoteSession, io: RemoteRequestIo): Promise<number> {
  switch (request.op) {
    case 'import':
      return request.where === 'local' ? importLocalFiles(request, session, io) : forward(request, session, io)
    case 'export':
      return exportClosure(request, session, io)
    case 'capture-config':
      return captureConfig(request, session, io)
    case 'import-snapshots':
      return request.where === 'local' ? importLocalSnapshots(request, session, io) : forward(request, session, io)
    case 'export-snapshots':
      return exportSnapshots(request, session, io)
    case 'put-secret':
      return putSecret(request, session, io)
    case 'shell':
      return exitStatus(
        await session.exec({
          command: quoteShellArgs(forwardedArgv(request, io)),
          stdin: io.stdin,
          stdout: io.stdout,
          stderr: io.stderr,
          pty: io.pty,
          watchResize: io.watchResize,
        }),
      )
    default:
      return forward(request, session, io)
  }
}

/**
 * The remote command line of a request: the remote client with the request's arguments. QUIRK §10.4:
 * the original substitutes the literal `type` for a missing container; the request carries the type's
 * value, as intended. Spec §3.2: the shell always runs disnix-run-activity, whatever the remote client.
 */
export function forwardedArgv(request: InterfaceRequest, io: Pick<RemoteRequestIo, 'remoteClient'>): string[] {
  return [request.op === 'shell' ? 'disnix-run-activity' : io.remoteClient, ...requestArgv(request)]
}

async function forward(request: InterfaceRequest, session: RemoteSession, io: RemoteRequestIo): Promise<number> {
  return exitStatus(await session.exec({ ...clientCall(request, io), stdout: io.stdout, stderr: io.stderr }))
}

/**
 * A call of the remote client that reads no stdin: its command line, and the same as a typed request
 * that a master may serve (unless the caller said no).
 */
function clientCall(request: InterfaceRequest, io: RemoteRequestIo): { command: string; served?: ServedCall } {
  return { command: quoteShellArgs(forwardedArgv(request, io)), served: io.serve === false ? undefined : { client: io.remoteClient, request } }
}

/**
 * `--import --localfile F…`: each file streams into a disnix-tmpfile, which the remote client imports
 * (`--import --remotefile`, a plain call: served by the connection's `--serve` session, no process
 * start) and which is then removed, whether the import succeeded or not.
 */
async function importLocalFiles(request: RequestOf<'import'>, session: RemoteSession, io: RemoteRequestIo): Promise<number> {
  for (const file of request.paths) await checkLocalFile(file, 'file')
  for (const file of request.paths) {
    const uploaded: Buffer[] = []
    const upload = 'X=; X=$(disnix-tmpfile) && cat > "$X" && printf \'%s\\n\' "$X"; s=$?; if [ $s -ne 0 ] && [ -n "$X" ]; then rm -f "$X"; fi; exit $s'
    const sent = exitStatus(await session.exec({ command: upload, stdin: createReadStream(file), stdout: collectInto(uploaded), stderr: io.stderr }))
    if (sent !== 0) return sent
    const remote = Buffer.concat(uploaded).toString().trim().split('\n').at(-1) ?? ''
    if (remote === '') throw targetError(io, 'REMOTE_OUTPUT_MISSING', 'disnix-tmpfile printed no file name')
    let status: number
    try {
      status = await forward({ op: 'import', where: 'remote', paths: [remote] }, session, io)
    } finally {
      await session.exec({ command: quoteShellArgs(['rm', '-f', remote]), stdout: io.stdout, stderr: io.stderr }).catch(() => {})
    }
    if (status !== 0) return status
  }
  return 0
}

function collectInto(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk)
      callback()
    },
  })
}

/**
 * `--put-secret FILE`: the file streams into the remote client's stdin; its content is never part of a
 * command line, a served request or a message.
 */
async function putSecret(request: RequestOf<'put-secret'>, session: RemoteSession, io: RemoteRequestIo): Promise<number> {
  if (request.file === undefined) throw new DisnixError('USAGE', 'ERROR: --put-secret needs the file holding the secret')
  await checkLocalFile(request.file, 'secret file')
  const { file: _file, content: _content, ...sent } = request
  return exitStatus(await session.exec({ command: quoteShellArgs(forwardedArgv(sent, io)), stdin: createReadStream(request.file), stdout: io.stdout, stderr: io.stderr }))
}

/**
 * `--export`: the remote client writes the closure to a remote temp file. With `--remotefile` it is
 * streamed into a local temp file (then removed remotely) and the local path printed; otherwise the
 * remote path is printed (QUIRK §10.4: the original prints nothing).
 */
async function exportClosure(request: RequestOf<'export'>, session: RemoteSession, io: RemoteRequestIo): Promise<number> {
  const remote = await captureLine(request, session, io)
  if (request.where !== 'remote') {
    io.stdout.write(`${remote}\n`)
    return 0
  }
  await mkdir(io.tmpDir, { recursive: true })
  const local = await createLocalTempFile(io.tmpDir)
  const sink = createWriteStream(local)
  const command = `${quoteShellArgs(['cat', remote])}; s=$?; ${quoteShellArgs(['rm', '-f', remote])}; exit $s`
  try {
    const status = exitStatus(await session.exec({ command, stdout: sink, stderr: io.stderr }))
    sink.end()
    await finished(sink)
    if (status !== 0) throw stepFailed(io, status, `copying the exported closure ${remote}`)
  } catch (error) {
    sink.destroy()
    await rm(local, { force: true })
    throw error
  }
  io.stdout.write(`${local}\n`)
  return 0
}

/** `--capture-config`: the remote client writes the expression to a temp file; print it and remove it. */
async function captureConfig(request: RequestOf<'capture-config'>, session: RemoteSession, io: RemoteRequestIo): Promise<number> {
  const remote = await captureLine(request, session, io)
  const command = `${quoteShellArgs(['cat', remote])}; s=$?; ${quoteShellArgs(['rm', '-f', remote])}; exit $s`
  return exitStatus(await session.exec({ command, stdout: io.stdout, stderr: io.stderr }))
}

/**
 * `--import-snapshots --localfile PATH…`: a tar of the snapshot directories streams into a remote
 * `disnix-tmpfile --directory --for-snapshots`, the remote client imports `D/<name>` for each, and D
 * is removed.
 */
async function importLocalSnapshots(request: RequestOf<'import-snapshots'>, session: RemoteSession, io: RemoteRequestIo): Promise<number> {
  for (const path of request.paths) await checkLocalFile(path, 'snapshot')
  const names = request.paths.map((p) => basename(p))
  const rc = quoteShellArgs(forwardedArgv({ ...request, paths: [] }, io))
  const list = names.map((n) => `"$D"/${quoteShellArg(n)}`).join(' ')
  // Unpacked next to the target's snapshot store, the import is a rename instead of a copy of every
  // byte (the target's /tmp is often another file system); older targets lack --for-snapshots.
  const mkdir = 'disnix-tmpfile --directory --for-snapshots 2>/dev/null || disnix-tmpfile --directory'
  const command = `D=; D=$(${mkdir}) && tar -xf - -C "$D" && ${rc} ${list}; s=$?; if [ -n "$D" ]; then rm -rf "$D"; fi; exit $s`
  const tarArgs = ['-c', '-f', '-', ...request.paths.flatMap((p) => ['-C', dirname(p), `./${basename(p)}`])]
  const { execa } = await import('execa')
  const tar = execa('tar', tarArgs, { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', reject: false, buffer: { stdout: false } })
  // Attach a reader at once: a child's unread stdout is discarded when it exits (testnet.md §7).
  const stream = new PassThrough()
  tar.stdout.pipe(stream)
  const status = exitStatus(await session.exec({ command, stdin: stream, stdout: io.stdout, stderr: io.stderr }))
  const tarResult = await tar
  if (tarResult.exitCode !== 0) {
    throw new DisnixError('SNAPSHOT_PACK_FAILED', `[coordinator]: cannot pack the snapshots ${request.paths.join(', ')}: ${String(tarResult.stderr).trim()}`)
  }
  return status
}

/** `--export-snapshots ABS…`: each remote snapshot streams as a tar into a fresh local temp dir, which is printed. */
async function exportSnapshots(request: RequestOf<'export-snapshots'>, session: RemoteSession, io: RemoteRequestIo): Promise<number> {
  await mkdir(io.tmpDir, { recursive: true })
  for (const path of request.paths) {
    const dir = await mkdtemp(join(io.tmpDir, 'disnix.'))
    try {
      const { execa } = await import('execa')
      const tar = execa('tar', ['-x', '-f', '-', '-C', dir], { stdin: 'pipe', stdout: 'ignore', stderr: 'pipe', reject: false })
      const command = quoteShellArgs(['tar', '-c', '-f', '-', '-C', dirname(path), `./${basename(path)}`])
      const status = exitStatus(await session.exec({ command, stdout: tar.stdin, stderr: io.stderr }))
      tar.stdin.end()
      const tarResult = await tar
      if (status !== 0) throw stepFailed(io, status, `packing the remote snapshot ${path}`)
      if (tarResult.exitCode !== 0) {
        throw new DisnixError('SNAPSHOT_UNPACK_FAILED', `[coordinator]: cannot unpack the snapshot ${path} into ${dir}: ${String(tarResult.stderr).trim()}`)
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      throw error
    }
    io.stdout.write(`${dir}\n`)
  }
  return 0
}

/** Runs a command whose stdout is one line (a remote temp path); a failure ends the invocation with its status. */
async function captureLine(request: InterfaceRequest, session: RemoteSession, io: RemoteRequestIo): Promise<string> {
  const chunks: Buffer[] = []
  const collect = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk)
      callback()
    },
  })
  const status = exitStatus(await session.exec({ ...clientCall(request, io), stdout: collect, stderr: io.stderr }))
  if (status !== 0) throw stepFailed(io, status, forwardedArgv(request, io).join(' '))
  const line = Buffer.concat(chunks).toString().trim().split('\n').at(-1) ?? ''
  if (line === '') throw targetError(io, 'REMOTE_OUTPUT_MISSING', `${io.remoteClient} --${request.op} printed no file name`)
  return line
}

function exitStatus(result: ExecResult): number {
  return result.code ?? SSH_FAILURE_EXIT
}

/** A remote step of a transfer that failed: the invocation ends with its status (disnix-ssh-client's `'child'`). */
function stepFailed(io: RemoteRequestIo, status: number, step: string): ChildProcessError {
  return new ChildProcessError('REMOTE_COMMAND_FAILED', `[target: ${io.target}]: ${step} failed with exit status ${status}`, { exitStatus: status, target: io.target, step })
}

async function checkLocalFile(path: string, what: string): Promise<void> {
  try {
    await stat(path)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) throw new DisnixError('LOCAL_FILE_MISSING', `[coordinator]: the local ${what} ${path} does not exist`)
    throw error
  }
}

/** `mktemp -p DIR`: a new empty file `DIR/disnix.XXXXXX`. */
async function createLocalTempFile(dir: string): Promise<string> {
  for (;;) {
    const path = join(dir, `disnix.${Math.random().toString(36).slice(2, 8)}`)
    try {
      await (await open(path, 'wx', 0o600)).close()
      return path
    } catch (error) {
      if (!hasErrorCode(error, 'EEXIST')) throw error
    }
  }
}
