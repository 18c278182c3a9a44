import { open } from 'node:fs/promises'
import type { ChildProcess } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'
import { childFailure, DisnixError, runChild, type RunChildOptions } from '@disnix-ts/libmain'

/** Options shared by the store and profile wrappers. */
export interface NixProcessOptions {
  /** Extra environment for the child (merged over the parent's: NIX_PATH, NIX_CONFIG, ...). */
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  /**
   * Where the child's stderr goes: captured (default; its last lines go into the error message),
   * inherited, an open file descriptor (a job log), or a stream of the caller (also captured; the
   * stream is left open).
   */
  stderr?: 'pipe' | 'inherit' | number | Writable
  /** What this command does, for the error message. */
  step?: string
}

/** The closure of `paths`, as `nix-store -qR` orders it (dependencies first). */
export async function queryRequisites(paths: readonly string[], options: NixProcessOptions = {}): Promise<string[]> {
  if (paths.length === 0) return []
  return lines(await runNixStore(['-qR', ...paths], options))
}

/** The paths among `paths` that are not valid in the store (`--check-validity --print-invalid`). */
export async function printInvalid(paths: readonly string[], options: NixProcessOptions = {}): Promise<string[]> {
  if (paths.length === 0) return []
  return lines(await runNixStore(['--check-validity', '--print-invalid', ...paths], options))
}

/** Whether `path` is a valid path of the Nix store (false also for a path outside the store). */
export async function isValidStorePath(path: string, options: NixProcessOptions = {}): Promise<boolean> {
  try {
    return (await printInvalid([path], options)).length === 0
  } catch (error) {
    if (error instanceof DisnixError && error.code === 'COMMAND_FAILED' && /is not in the Nix store/.test(error.message)) return false
    throw error
  }
}

/** Where an export goes: a file (created or truncated) or a stream. */
export type ExportDestination = { file: string } | Writable

/** Writes `nix-store --export` of exactly `paths` (not their closure) to a file or a stream. */
export async function exportPaths(paths: readonly string[], destination: ExportDestination, options: NixProcessOptions = {}): Promise<void> {
  if (isFileLocation(destination)) {
    // The child writes to the file itself: no byte goes through Node.
    const handle = await open(destination.file, 'w')
    try {
      await runNixStore(['--export', ...paths], options, { stdout: handle.fd })
    } finally {
      await handle.close()
    }
  } else {
    // A stream without a file descriptor cannot be handed to the child: pump it (not ended, so the
    // caller can keep writing to it).
    await runNixStore(['--export', ...paths], options, { stdout: 'stream' }, (child) => {
      child.stdout?.pipe(destination, { end: false })
    })
  }
}

/** Where an import comes from: a file or a stream holding `nix-store --export` output. */
export type ImportSource = { file: string } | Readable

/** `nix-store --import`; returns the imported paths. */
export async function importPaths(source: ImportSource, options: NixProcessOptions = {}): Promise<string[]> {
  if (isFileLocation(source)) {
    const handle = await open(source.file, 'r')
    try {
      return lines(await runNixStore(['--import'], options, { stdin: handle.fd }))
    } finally {
      await handle.close()
    }
  }
  return lines(
    await runNixStore(['--import'], options, { stdin: 'pipe' }, (child) => {
      if (child.stdin) source.pipe(child.stdin)
    }),
  )
}

/** `nix-store --realise`; returns the output paths. */
export async function realise(derivations: readonly string[], options: NixProcessOptions = {}): Promise<string[]> {
  return lines(await runNixStore(['--realise', ...derivations], options))
}

/** The NAR hash of a valid path as Nix prints it (`sha256:...`). */
export async function queryHash(path: string, options: NixProcessOptions = {}): Promise<string> {
  return (await runNixStore(['-q', '--hash', path], options)).trim()
}

/** The total NAR size of valid `paths` in bytes (`nix-store -q --size`); 0 for none. */
export async function querySize(paths: readonly string[], options: NixProcessOptions = {}): Promise<number> {
  if (paths.length === 0) return 0
  return lines(await runNixStore(['-q', '--size', ...paths], options)).reduce((sum, line) => sum + Number(line.trim()), 0)
}

/** `nix-collect-garbage`, with `-d` also deleting the old generations of every profile. */
export async function collectGarbage(deleteOld: boolean, options: NixProcessOptions = {}): Promise<void> {
  await runNixProcess('nix-collect-garbage', deleteOld ? ['-d'] : [], options)
}

function isFileLocation(value: object): value is { file: string } {
  return typeof (value as { file?: unknown }).file === 'string' && typeof (value as { pipe?: unknown }).pipe !== 'function'
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '')
}

/** Where a Nix command's stdin and stdout go when they are not the defaults (nothing; collected). */
export type NixStdio = Pick<RunChildOptions, 'stdin' | 'stdout'>

async function runNixStore(args: readonly string[], options: NixProcessOptions, stdio: NixStdio = {}, attach?: (child: ChildProcess) => void): Promise<string> {
  return runNixProcess('nix-store', args, options, stdio, attach)
}

/**
 * Runs a Nix command with an argument array and returns its collected stdout; a failure becomes a
 * DisnixError naming the step, with the last lines of the command's stderr.
 */
export async function runNixProcess(
  file: string,
  args: readonly string[],
  options: NixProcessOptions,
  stdio: NixStdio = {},
  attach?: (child: ChildProcess) => void,
): Promise<string> {
  const outcome = await runChild(file, args, {
    env: options.env,
    signal: options.signal,
    stdin: stdio.stdin ?? 'ignore',
    stdout: stdio.stdout ?? 'pipe',
    stderr: options.stderr ?? 'pipe',
    attach,
  })
  const failure = childFailure(outcome, file, args, { step: options.step ?? `${file} ${args.join(' ')}` })
  if (failure !== undefined) throw failure
  return outcome.stdout
}
