import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, open, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { PassThrough, Writable, type Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { DisnixError, hasErrorCode, quoteShellArg, quoteShellArgs } from '@disnix-ts/libmain'
import { SSH_FAILURE_EXIT, targetError } from './target-error.js'
import type { ExecResult, PtyRequest, RemoteSession } from './remote-session.js'
import { forwardedArgv, type SshClientRequest } from './ssh-client-request.js'

export interface SshClientIo {
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
 * Performs one disnix-ssh-client operation over a session and returns the exit status: the remote
 * command's status, 255 when it was killed by a signal. Closures and snapshots stream over the
 * connection; remote temp files are removed after use (QUIRK §10.4: the original leaks them).
 */
export async function runSshClientOperation(request: SshClientRequest, session: RemoteSession, io: SshClientIo): Promise<number> {
  switch (request.operation) {
    case 'import':
      return request.localfile ? importLocalFiles(request, session, io) : forward(request, session, io)
    case 'export':
      return exportClosure(request, session, io)
    case 'capture-config':
      return captureConfig(request, session, io)
    case 'import-snapshots':
      return request.localfile ? importLocalSnapshots(request, session, io) : forward(request, session, io)
    case 'export-snapshots':
      return exportSnapshots(request, session, io)
    case 'shell':
      return exitStatus(
        await session.exec({
          command: quoteShellArgs(forwardedArgv(request)),
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

async function forward(request: SshClientRequest, session: RemoteSession, io: SshClientIo): Promise<number> {
  return exitStatus(await session.exec({ ...clientCall(forwardedArgv(request), io), stdout: io.stdout, stderr: io.stderr }))
}

/** A call of the remote client that reads no stdin: servable unless the caller said no. */
function clientCall(argv: string[], io: SshClientIo): { command: string; argv?: string[] } {
  return { command: quoteShellArgs(argv), argv: io.serve === false ? undefined : argv }
}

/** `--import --localfile F…`: each file streams into a disnix-tmpfile that is imported, then removed. */
async function importLocalFiles(request: SshClientRequest, session: RemoteSession, io: SshClientIo): Promise<number> {
  for (const file of request.paths) await checkLocalFile(file, 'file')
  for (const file of request.paths) {
    const rc = quoteShellArgs([request.remoteClient, '--import'])
    const command = `X=; X=$(disnix-tmpfile) && cat > "$X" && ${rc} "$X"; s=$?; if [ -n "$X" ]; then rm -f "$X"; fi; exit $s`
    const status = exitStatus(await session.exec({ command, stdin: createReadStream(file), stdout: io.stdout, stderr: io.stderr }))
    if (status !== 0) return status
  }
  return 0
}

/**
 * `--export`: the remote client writes the closure to a remote temp file. With `--remotefile` it is
 * streamed into a local temp file (then removed remotely) and the local path printed; otherwise the
 * remote path is printed (QUIRK §10.4: the original prints nothing).
 */
async function exportClosure(request: SshClientRequest, session: RemoteSession, io: SshClientIo): Promise<number> {
  const remote = await captureLine(request, session, io, forwardedArgv(request))
  if (!request.remotefile) {
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
    if (status !== 0) throw stepFailed(request, status, `copying the exported closure ${remote}`)
  } catch (error) {
    sink.destroy()
    await rm(local, { force: true })
    throw error
  }
  io.stdout.write(`${local}\n`)
  return 0
}

/** `--capture-config`: the remote client writes the expression to a temp file; print it and remove it. */
async function captureConfig(request: SshClientRequest, session: RemoteSession, io: SshClientIo): Promise<number> {
  const remote = await captureLine(request, session, io, forwardedArgv(request))
  const command = `${quoteShellArgs(['cat', remote])}; s=$?; ${quoteShellArgs(['rm', '-f', remote])}; exit $s`
  return exitStatus(await session.exec({ command, stdout: io.stdout, stderr: io.stderr }))
}

/**
 * `--import-snapshots --localfile PATH…`: a tar of the snapshot directories streams into a remote
 * `disnix-tmpfile --directory --for-snapshots`, the remote client imports `D/<name>` for each, and D
 * is removed.
 */
async function importLocalSnapshots(request: SshClientRequest, session: RemoteSession, io: SshClientIo): Promise<number> {
  for (const path of request.paths) await checkLocalFile(path, 'snapshot')
  const names = request.paths.map((p) => basename(p))
  const rc = quoteShellArgs(forwardedArgv({ ...request, paths: [] }))
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
async function exportSnapshots(request: SshClientRequest, session: RemoteSession, io: SshClientIo): Promise<number> {
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
      if (status !== 0) throw stepFailed(request, status, `packing the remote snapshot ${path}`)
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
async function captureLine(request: SshClientRequest, session: RemoteSession, io: SshClientIo, argv: string[]): Promise<string> {
  const chunks: Buffer[] = []
  const collect = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk)
      callback()
    },
  })
  const status = exitStatus(await session.exec({ ...clientCall(argv, io), stdout: collect, stderr: io.stderr }))
  if (status !== 0) throw stepFailed(request, status, argv.join(' '))
  const line = Buffer.concat(chunks).toString().trim().split('\n').at(-1) ?? ''
  if (line === '') throw targetError(request, 'REMOTE_OUTPUT_MISSING', `${request.remoteClient} --${request.operation} printed no file name`)
  return line
}

function exitStatus(result: ExecResult): number {
  return result.code ?? SSH_FAILURE_EXIT
}

function stepFailed(request: SshClientRequest, status: number, step: string): DisnixError {
  return new DisnixError('REMOTE_COMMAND_FAILED', `[target: ${request.target}]: ${step} failed with exit status ${status}`, { exitCode: status })
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
