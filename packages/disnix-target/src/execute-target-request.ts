import { chmod, cp, open, readFile, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import type { NixProcessOptions } from '@disnix-ts/libnix'
import { runDysnomia } from './run-dysnomia.js'
import { childFailure, runTargetTool } from './run-target-tool.js'
import type { TargetContext } from './target-context.js'
import { createTempDir, createTempFile } from './temp-file.js'
import { dysnomiaOperation, type Activity, type ActivityOp, type TargetRequest, type TargetResult } from './target-request.js'

// Loaded when an operation needs them: one call of disnix-run-activity does one operation, and an
// activity (the hot path) needs neither Nix nor the profile manifest parser (ARCHITECTURE.md §5).
const libnix = () => import('@disnix-ts/libnix')
const locking = () => import('./profile-locking.js')

/**
 * Executes one target-side operation (spec §4.4) on this machine: Nix for the store and profiles,
 * Dysnomia for services and snapshots. A failure is a DisnixError carrying the failed child's exit
 * status; the child's own messages went to the context's stderr.
 */
export async function executeTargetRequest(request: TargetRequest, ctx: TargetContext): Promise<TargetResult> {
  const nix: NixProcessOptions = { env: ctx.env, signal: ctx.signal, stderr: ctx.stderr }
  try {
    switch (request.op) {
      case 'import':
        await (await libnix()).importPaths({ file: request.closure }, { ...nix, step: `nix-store --import < ${request.closure}` })
        return { kind: 'done' }
      case 'export':
        return { kind: 'tempfile', path: await exportToTempFile(ctx, request.paths, nix) }
      case 'print-invalid':
        return { kind: 'lines', lines: await (await libnix()).printInvalid(request.paths, { ...nix, step: 'nix-store --check-validity --print-invalid' }) }
      case 'realise':
        return { kind: 'lines', lines: await (await libnix()).realise(request.paths, { ...nix, step: 'nix-store --realise' }) }
      case 'query-requisites':
        return { kind: 'lines', lines: await (await libnix()).queryRequisites(request.paths, { ...nix, step: 'nix-store -qR' }) }
      case 'set':
        await (await libnix()).setProfile(ctx.profileDir, request.profile, request.path, { ...nix, step: `nix-env -p ${join(ctx.profileDir, request.profile)} --set ${request.path}` })
        return { kind: 'done' }
      case 'query-installed':
        return { kind: 'text', text: await readInstalled(ctx, request.profile) }
      case 'collect-garbage':
        await (await libnix()).collectGarbage(request.deleteOld, { ...nix, step: `nix-collect-garbage${request.deleteOld ? ' -d' : ''}` })
        return { kind: 'done' }
      case 'activate':
      case 'deactivate':
      case 'snapshot':
      case 'restore':
      case 'delete-state':
        await runActivity(ctx, request.op, request)
        return { kind: 'done' }
      case 'lock':
        await (await locking()).acquireProfileLock(ctx, request.profile)
        return { kind: 'done' }
      case 'unlock':
        await (await locking()).releaseProfileLock(ctx, request.profile)
        return { kind: 'done' }
      case 'query-all-snapshots':
      case 'query-latest-snapshot': {
        const flag = request.op === 'query-all-snapshots' ? '--query-all' : '--query-latest'
        return { kind: 'lines', lines: await snapshotsQuery(ctx, [flag, ...filterArgs(request)]) }
      }
      case 'print-missing-snapshots':
        return { kind: 'lines', lines: await snapshotsQuery(ctx, ['--print-missing', ...request.snapshots]) }
      case 'resolve-snapshots':
        return { kind: 'lines', lines: await snapshotsQuery(ctx, ['--resolve', ...request.snapshots]) }
      case 'import-snapshots':
        await runTargetTool(ctx, 'dysnomia-snapshots', ['--import', '--container', request.container, '--component', request.component, ...request.paths], {
          step: 'dysnomia-snapshots --import',
        })
        return { kind: 'done' }
      case 'export-snapshots':
        return { kind: 'lines', lines: await exportSnapshots(ctx, request.paths) }
      case 'clean-snapshots':
        await runTargetTool(ctx, 'dysnomia-snapshots', ['--gc', '--keep', String(request.keep), ...filterArgs(request)], {
          step: 'dysnomia-snapshots --gc',
        })
        return { kind: 'done' }
      case 'capture-config':
        return { kind: 'tempfile', path: await captureConfig(ctx) }
    }
  } catch (error) {
    throw childFailure(error, request.op)
  }
}

/**
 * `dysnomia --type T --operation OP --component PKG --container C --environment` with `K=V` exported,
 * run in-process (only the module is spawned).
 */
export async function runActivity(ctx: TargetContext, op: ActivityOp, activity: Activity): Promise<void> {
  const operation = dysnomiaOperation(op)
  await runDysnomia(ctx, {
    operation,
    type: activity.type,
    component: activity.component,
    container: activity.container,
    env: argumentsEnv(activity.arguments),
    step: `dysnomia --operation ${operation} of ${activity.component}`,
  })
}

/** Container properties `KEY=VALUE` as environment variables (split at the first `=`). */
export function argumentsEnv(args: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const argument of args) {
    const at = argument.indexOf('=')
    if (at <= 0) throw new DisnixError('USAGE', `Invalid argument: ${argument} (expected KEY=VALUE)`)
    env[argument.slice(0, at)] = argument.slice(at + 1)
  }
  return env
}

/**
 * `nix-store --export` into `$TMPDIR/disnix.XXXXXX`, readable by everyone once complete.
 * QUIRK §10.7: the original reports success and prints the path even when the export failed; we
 * remove the file and fail.
 */
async function exportToTempFile(ctx: TargetContext, paths: readonly string[], nix: NixProcessOptions): Promise<string> {
  const file = await createTempFile(ctx.tmpdir)
  try {
    await (await libnix()).exportPaths(paths, { file }, { ...nix, step: `nix-store --export ${paths.join(' ')}` })
    await chmod(file, 0o644)
    return file
  } catch (error) {
    await rm(file, { force: true })
    throw error
  }
}

/**
 * The raw profile manifest of a profile, empty when there is none.
 * QUIRK §4.6/§10.6: the original always reads the root location; we read the executing user's
 * profile dir, the same one set and lock use.
 */
async function readInstalled(ctx: TargetContext, profile: string): Promise<string> {
  try {
    return await readFile(join(ctx.profileDir, profile, 'profilemanifest.xml'), 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return ''
    throw error
  }
}

async function snapshotsQuery(ctx: TargetContext, args: readonly string[]): Promise<string[]> {
  const stdout = await runTargetTool(ctx, 'dysnomia-snapshots', args, { capture: true, step: `dysnomia-snapshots ${args[0]}` })
  return stdout.split('\n').filter((line) => line !== '')
}

/**
 * Copies each snapshot into a fresh temp dir and returns the dirs (`<dir>/<basename PATH>` is the
 * copy). The caller imports from there and removes the dir, so the store's own copy is never handed out.
 */
async function exportSnapshots(ctx: TargetContext, paths: readonly string[]): Promise<string[]> {
  const dirs: string[] = []
  for (const path of paths) {
    const dir = await createTempDir(ctx.tmpdir)
    try {
      await cp(path, join(dir, basename(path)), { recursive: true, verbatimSymlinks: true, errorOnExist: true })
    } catch (error) {
      await rm(dir, { recursive: true, force: true })
      if (hasErrorCode(error, 'ENOENT')) throw new DisnixError('SNAPSHOT_NOT_FOUND', `Cannot export snapshot: ${path} does not exist`)
      throw error
    }
    dirs.push(dir)
  }
  return dirs
}

/** `dysnomia-containers --generate-expr` into `$TMPDIR/disnix.XXXXXX` (mode 0644). */
async function captureConfig(ctx: TargetContext): Promise<string> {
  const file = await createTempFile(ctx.tmpdir)
  const handle = await open(file, 'w')
  try {
    await runTargetTool(ctx, 'dysnomia-containers', ['--generate-expr'], { stdoutFd: handle.fd, step: 'dysnomia-containers --generate-expr' })
    await handle.close()
    await chmod(file, 0o644)
    return file
  } catch (error) {
    await handle.close().catch(() => undefined)
    await rm(file, { force: true })
    throw error
  }
}

function filterArgs(filter: { container?: string; component?: string }): string[] {
  return [...(filter.container ? ['--container', filter.container] : []), ...(filter.component ? ['--component', filter.component] : [])]
}

/**
 * `dysnomia --type T --shell --component PKG --container C --environment [--command CMD]` with the
 * terminal attached; returns the shell's exit status.
 */
export async function runShell(ctx: TargetContext, activity: Activity, command?: string): Promise<number> {
  const { execa } = await import('execa')
  const { toolPath } = await import('@disnix-ts/libmain')
  const args = ['--type', activity.type, '--shell', '--component', activity.component, '--container', activity.container, '--environment']
  if (command !== undefined) args.push('--command', command)
  const result = await execa(toolPath('dysnomia'), args, {
    env: { ...ctx.env, ...argumentsEnv(activity.arguments) },
    extendEnv: false,
    stdio: 'inherit',
    reject: false,
  })
  if (result.exitCode === undefined) throw new DisnixError('COMMAND_FAILED', `dysnomia --shell failed (${result.signal ?? result.shortMessage})`)
  return result.exitCode
}
