import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { toTargetClient, type InterfaceCall, type TargetClient } from '@disnix-ts/libinterface'
import { exportPaths, importPaths, printInvalid, queryRequisites, type NixProcessOptions } from '@disnix-ts/libnix'

export interface CopyClosureOptions {
  /** Where the export file is written on this machine (the caller passes $TMPDIR, default /tmp). */
  tmpdir: string
  /** Environment for the local Nix commands (NIX_PATH, NIX_CONFIG, ...). */
  nixEnv?: NodeJS.ProcessEnv
  signal?: AbortSignal
}

/** What a copy did: the closure that was considered and the paths that were actually sent. */
export interface CopyClosureResult {
  requisites: string[]
  copied: string[]
}

/**
 * Copies the closure of `paths` to the target, sending only the paths the target lacks (spec §5.2):
 * local `nix-store -qR`, the interface's `--print-invalid`, then one export/import of the missing
 * ones through a temp file that is removed afterwards.
 */
export async function copyClosureTo(to: TargetClient | InterfaceCall, paths: readonly string[], options: CopyClosureOptions): Promise<CopyClosureResult> {
  const target = toTargetClient(to)
  const nix = nixOptions(options)
  const requisites = await queryRequisites(paths, { ...nix, step: `[target: ${target.target}]: query requisites of ${paths.join(' ')}` })
  const invalid = requisites.length === 0 ? [] : await target.call({ op: 'print-invalid', paths: requisites })
  if (invalid.length === 0) return { requisites, copied: [] }
  const dir = await mkdtemp(join(options.tmpdir, 'disnix.'))
  try {
    const file = join(dir, 'closure')
    await exportPaths(invalid, { file }, { ...nix, step: `[target: ${target.target}]: export ${invalid.length} paths` })
    await target.call({ op: 'import', where: 'local', paths: [file] })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return { requisites, copied: invalid }
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
  if (invalid.length === 0) return { requisites, copied: [] }
  const file = await target.call({ op: 'export', where: 'remote', paths: invalid })
  try {
    await importPaths({ file }, { ...nix, step: `[target: ${target.target}]: import the closure exported to ${file}` })
  } finally {
    await rm(file, { force: true })
  }
  return { requisites, copied: invalid }
}

function nixOptions(options: CopyClosureOptions): NixProcessOptions {
  return { env: options.nixEnv, signal: options.signal }
}
