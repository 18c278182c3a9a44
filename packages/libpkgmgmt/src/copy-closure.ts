import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { toTargetClient, type InterfaceCall, type TargetClient } from '@disnix-ts/libinterface'
import { DisnixError } from '@disnix-ts/libmain'
import { exportPaths, importPaths, printInvalid, queryRequisites, querySize, type NixProcessOptions } from '@disnix-ts/libnix'

export interface CopyClosureOptions {
  /** Where the export file is written on this machine (the caller passes $TMPDIR, default /tmp). */
  tmpdir: string
  /** Environment for the local Nix commands (NIX_PATH, NIX_CONFIG, ...). */
  nixEnv?: NodeJS.ProcessEnv
  signal?: AbortSignal
}

/** What a copy did: the paths that were actually sent, and their NAR size (copyClosureTo). */
export interface CopyClosureResult {
  copied: string[]
  bytes?: number
}

/**
 * Copies the closure of `paths` to the target, sending only the paths the target lacks (spec §5.2):
 * local `nix-store -qR`, the interface's `--print-invalid`, then one export/import of the missing
 * ones through a temp file that is removed afterwards. The target is first asked about `paths`
 * themselves (while the local query runs): when it has them, it has their closure, and nothing
 * more is asked or sent.
 */
export async function copyClosureTo(to: TargetClient | InterfaceCall, paths: readonly string[], options: CopyClosureOptions): Promise<CopyClosureResult> {
  const target = toTargetClient(to)
  const nix = nixOptions(options)
  const closure = localRequisites(target.target, paths, nix)
  let lacking = new Set<string>()
  if (paths.length > 0 && paths.every(isStorePathName)) {
    // Nix keeps closures whole: a path that is valid on the target has its whole closure there. So
    // the target is asked about `paths` alone while their closure is queried here, and a target that
    // has them (a redeployment) needs nothing more: no waiting for the local query.
    closure.catch(() => undefined)
    lacking = new Set(await target.call({ op: 'print-invalid', paths: [...paths] }))
    if (lacking.size === 0) return { copied: [], bytes: 0 }
  }
  const requisites = await closure
  // What the target said it lacks is not asked again (an undeployment's empty profile: one question).
  const rest = requisites.filter((p) => !lacking.has(p))
  const restInvalid = new Set(rest.length === 0 ? [] : await target.call({ op: 'print-invalid', paths: rest }))
  const invalid = requisites.filter((p) => lacking.has(p) || restInvalid.has(p))
  if (invalid.length === 0) return { copied: [], bytes: 0 }
  // Their size (what the progress reports as transferred) is queried while they are sent.
  const size = querySize(invalid, { ...nix, step: `[target: ${target.target}]: query the size of the paths sent` })
  size.catch(() => undefined)
  const dir = await mkdtemp(join(options.tmpdir, 'disnix.'))
  try {
    const file = join(dir, 'closure')
    await exportPaths(invalid, { file }, { ...nix, step: `[target: ${target.target}]: export ${invalid.length} paths` })
    await target.call({ op: 'import', where: 'local', paths: [file] })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return { copied: invalid, bytes: await size }
}

/**
 * Copies the closure of `paths` on the target to this machine (spec §5.2): the interface's
 * `--query-requisites`, local `--print-invalid`, then the interface's `--export --remotefile` of the
 * missing paths and a local `nix-store --import` of that file, which is removed afterwards.
 */
export async function copyClosureFrom(from: TargetClient | InterfaceCall, paths: readonly string[], options: CopyClosureOptions): Promise<CopyClosureResult> {
  const target = toTargetClient(from)
  const nix = nixOptions(options)
  const requisites = await target.call({ op: 'query-requisites', paths: [...paths] })
  const invalid = await printInvalid(requisites, { ...nix, step: 'check which paths are missing locally' })
  if (invalid.length === 0) return { copied: [] }
  const file = await target.call({ op: 'export', where: 'remote', paths: invalid })
  try {
    await importPaths({ file }, { ...nix, step: `[target: ${target.target}]: import the closure exported to ${file}` })
  } finally {
    await rm(file, { force: true })
  }
  return { copied: invalid }
}

/**
 * The closure of paths of this machine's store. A path outside the store, or one that is not valid
 * in it, is the caller's mistake: one message with Nix's reason, before the target is asked anything.
 */
async function localRequisites(target: string, paths: readonly string[], nix: NixProcessOptions): Promise<string[]> {
  try {
    return await queryRequisites(paths, { ...nix, step: `[target: ${target}]: query requisites of ${paths.join(' ')}` })
  } catch (error) {
    const reason = error instanceof DisnixError && error.code === 'COMMAND_FAILED' ? nixReason(error.message) : undefined
    if (reason === undefined) throw error
    throw new DisnixError('INVALID_PATH', `[target: ${target}]: cannot copy the closure of ${paths.join(' ')}: ${reason}`, {
      hint: 'give paths of the Nix store that exist on this machine',
      cause: error,
    })
  }
}

/** A path of the default Nix store (the fast path of copyClosureTo; any other path takes the general one). */
function isStorePathName(path: string): boolean {
  return /^\/nix\/store\/[0-9a-z]{32}-[^/]+$/.test(path)
}

/** Nix's own reason in a failed command's message: its last `error: ...` line, without `error: `. */
function nixReason(message: string): string | undefined {
  const line = message.split('\n').reverse().find((l) => l.startsWith('error: '))
  return line?.slice('error: '.length)
}

function nixOptions(options: CopyClosureOptions): NixProcessOptions {
  return { env: options.nixEnv, signal: options.signal }
}
