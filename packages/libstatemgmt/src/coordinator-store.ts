import { DisnixError, lastLines, FAILURE_CONTEXT_LINES, toolPath } from '@disnix-ts/libmain'

/**
 * The coordinator's snapshot store: Dysnomia's store on this machine, reached only through
 * `dysnomia-snapshots` (spec §6.1), so that DYSNOMIA_STATEDIR and the store layout stay Dysnomia's
 * business.
 */
export interface LocalStoreOptions {
  /** Environment for dysnomia-snapshots (DYSNOMIA_STATEDIR, ...), merged over the parent's. */
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
}

export interface LocalSnapshotQuery {
  container: string
  component: string
  /** All generations (in generation order) instead of only the latest. */
  all: boolean
}

/**
 * The snapshots of one component in the coordinator's store, each verified against its checksum
 * (`dysnomia-snapshots --query-all|--query-latest --check`). A snapshot whose contents no longer match
 * is refused with SNAPSHOT_CORRUPT, before anything is sent anywhere.
 */
export async function queryLocalSnapshots(query: LocalSnapshotQuery, options: LocalStoreOptions = {}): Promise<string[]> {
  const args = [query.all ? '--query-all' : '--query-latest', '--check', '--container', query.container, '--component', query.component]
  const result = await dysnomiaSnapshots(args, options)
  if (result.exitCode !== 0) {
    const problems = result.stderr.split('\n').filter((line) => /mismatch|missing/i.test(line))
    if (problems.length > 0) {
      throw new DisnixError(
        'SNAPSHOT_CORRUPT',
        `The snapshot store holds a corrupt snapshot of component: ${query.component} in container: ${query.container}; refusing to restore it!\n${problems.join('\n')}`,
        {
          hint: 'the snapshot changed after it was stored; take a new snapshot (disnix-snapshot) or fetch a good copy (disnix-copy-snapshots --from), after removing the damaged one',
        },
      )
    }
    throw failed('query the snapshot store', args, result)
  }
  return lines(result.stdout)
}

/** The given relative snapshot paths that the coordinator's store does not hold, in order. */
export async function printMissingLocal(snapshots: readonly string[], options: LocalStoreOptions = {}): Promise<string[]> {
  if (snapshots.length === 0) return []
  return lines(await checked(['--print-missing', ...snapshots], 'look for missing snapshots', options))
}

/** Absolute paths of relative snapshot paths in the coordinator's store. */
export async function resolveLocal(snapshots: readonly string[], options: LocalStoreOptions = {}): Promise<string[]> {
  if (snapshots.length === 0) return []
  return lines(await checked(['--resolve', ...snapshots], 'resolve snapshots', options))
}

/**
 * Moves snapshot directories into the coordinator's store (or re-registers one already there) as the
 * next generations of a component; each move is one rename, so the store never holds half a snapshot.
 */
export async function importLocal(container: string, component: string, paths: readonly string[], options: LocalStoreOptions = {}): Promise<void> {
  await checked(['--import', '--container', container, '--component', component, ...paths], `import snapshots of ${container}/${component}`, options)
}

interface SnapshotsResult {
  exitCode: number | undefined
  stdout: string
  stderr: string
  notFound: boolean
}

async function dysnomiaSnapshots(args: readonly string[], options: LocalStoreOptions): Promise<SnapshotsResult> {
  // Loaded on first use: disnix-deploy loads this module with libmigrate, and a deployment without
  // stateful services never calls it (execa is over a hundred modules of start-up).
  const { execa } = await import('execa')
  const result = await execa(toolPath('dysnomia-snapshots'), [...args], {
    env: options.env,
    cancelSignal: options.signal,
    stdin: 'ignore',
    reject: false,
    encoding: 'utf8',
    stripFinalNewline: false,
  })
  return {
    exitCode: result.failed ? (result.exitCode ?? -1) : 0,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    notFound: (result as { code?: string }).code === 'ENOENT',
  }
}

async function checked(args: readonly string[], step: string, options: LocalStoreOptions): Promise<string> {
  const result = await dysnomiaSnapshots(args, options)
  if (result.exitCode !== 0) throw failed(step, args, result)
  return result.stdout
}

function failed(step: string, args: readonly string[], result: SnapshotsResult): DisnixError {
  if (result.notFound) return new DisnixError('COMMAND_NOT_FOUND', `${step}: dysnomia-snapshots not found`)
  const tail = lastLines(result.stderr, FAILURE_CONTEXT_LINES)
  return new DisnixError('COMMAND_FAILED', `${step} failed (dysnomia-snapshots ${args[0]}: exit status ${result.exitCode})${tail ? `\n${tail}` : ''}`)
}

function lines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line !== '')
}
