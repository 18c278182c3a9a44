import { chmod, cp, open, readFile, rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Writable } from 'node:stream'
import type { Options } from 'execa'
import { checkProfile, type CheckOutcome } from '@disnix-ts/libinterface'
import { childProcessError, DEFAULT_PROFILE, DisnixError, execaOutcome, forwardStream, hasErrorCode, isExecaError, toolPath } from '@disnix-ts/libmain'
import type { NixProcessOptions } from '@disnix-ts/libnix'
import { printTargetResult } from './print-target-result.js'
import { runDysnomia, runDysnomiaCheck } from './run-dysnomia.js'
import type { TargetContext, TargetOutput } from './target-context.js'
import { createTempDir, createTempFile } from './temp-file.js'
import { dysnomiaOperation, type Activity, type ActivityOp, type TargetRequest, type TargetResult } from './target-request.js'

// Loaded when an operation needs them: one call of disnix-run-activity does one operation, and an
// activity (the hot path) needs neither Nix nor the profile manifest parser (ARCHITECTURE.md §5).
const libnix = () => import('@disnix-ts/libnix')
const locking = () => import('./profile-locking.js')
const secrets = () => import('./target-secrets.js')

/**
 * Executes one request (spec §3.3) and prints its result as disnix-run-activity does: one line per
 * item, a temp file as its path. What the executable and a `--serve` session do with a request.
 */
export async function runTargetRequest(request: TargetRequest, ctx: TargetContext, stdout: Writable): Promise<void> {
  printTargetResult(await executeTargetRequest(request, ctx), stdout)
}

/**
 * Executes one target-side operation (spec §4.4) on this machine: Nix for the store and profiles,
 * Dysnomia for services and snapshots. A failure of a child is a ChildProcessError carrying its exit
 * status; the child's own messages went to the context's stderr.
 */
export async function executeTargetRequest(request: TargetRequest, ctx: TargetContext): Promise<TargetResult> {
  const nix: NixProcessOptions = { env: ctx.env, signal: ctx.signal, stderr: ctx.stderr }
  const profile = (r: { profile?: string }): string => requestProfile(r.profile, ctx.env)
  switch (request.op) {
    case 'import':
      for (const file of request.paths) await (await libnix()).importPaths({ file }, { ...nix, step: `nix-store --import < ${file}` })
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
      await (await libnix()).setProfile(ctx.profileDir, profile(request), request.path, { ...nix, step: `nix-env -p ${join(ctx.profileDir, profile(request))} --set ${request.path}` })
      return { kind: 'done' }
    case 'query-installed':
      return { kind: 'text', text: await readInstalled(ctx, profile(request)) }
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
    case 'check': {
      const { formatCheckOutcome } = await import('@disnix-ts/libinterface')
      return { kind: 'lines', lines: [formatCheckOutcome(await runCheck(ctx, request)).trimEnd()] }
    }
    case 'activate-check': {
      await runActivity(ctx, 'activate', request)
      const { formatCheckOutcome } = await import('@disnix-ts/libinterface')
      // The activation happened: a check that cannot run is its outcome, not a failed call.
      const outcome = await runCheck(ctx, request).catch((error: unknown): CheckOutcome => {
        if (!(error instanceof DisnixError)) throw error
        return { status: 'failing', reason: error.message.split('\n')[0] ?? '' }
      })
      return { kind: 'lines', lines: [formatCheckOutcome(outcome).trimEnd()] }
    }
    case 'lock':
      await (await locking()).acquireProfileLock(ctx, profile(request))
      return { kind: 'done' }
    case 'unlock':
      await (await locking()).releaseProfileLock(ctx, profile(request))
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
      await runSiblingTool(ctx, 'dysnomia-snapshots', ['--import', '--container', request.container ?? '', '--component', request.component ?? '', ...request.paths], {
        step: 'dysnomia-snapshots --import',
      })
      return { kind: 'done' }
    case 'export-snapshots':
      return { kind: 'lines', lines: await exportSnapshots(ctx, request.paths) }
    case 'clean-snapshots':
      await runSiblingTool(ctx, 'dysnomia-snapshots', ['--gc', '--keep', String(request.keep), ...filterArgs(request)], {
        step: 'dysnomia-snapshots --gc',
      })
      return { kind: 'done' }
    case 'capture-config':
      return { kind: 'tempfile', path: await captureConfig(ctx) }
    case 'put-secret':
      return { kind: 'lines', lines: [await (await secrets()).putSecret(ctx, request)] }
    case 'remove-secrets':
      await (await secrets()).removeSecrets(ctx, request)
      return { kind: 'done' }
  }
}

/**
 * The profile a request works on: the given one, else DISNIX_PROFILE of the executing side, else
 * `default` (what disnix-run-activity's --profile defaults to). Profile names become file names.
 */
export function requestProfile(profile: string | undefined, env: NodeJS.ProcessEnv): string {
  return checkProfile(profile ?? env.DISNIX_PROFILE ?? DEFAULT_PROFILE)
}

/** The request with the profile it works on filled in (for the job log's header). */
export function withDefaultProfile(request: TargetRequest, env: NodeJS.ProcessEnv): TargetRequest {
  switch (request.op) {
    case 'set':
    case 'query-installed':
    case 'lock':
    case 'unlock':
    case 'put-secret':
    case 'remove-secrets':
      return { ...request, profile: requestProfile(request.profile, env) }
    default:
      return request
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

/**
 * `dysnomia --operation check` of a service, in-process (only the module is spawned), limited to
 * {@link CHECK_CALL_TIMEOUT_MS}. Every outcome of the module is a result; only a problem resolving
 * container, component or module fails the request.
 */
export async function runCheck(ctx: TargetContext, activity: Activity): Promise<CheckOutcome> {
  return runDysnomiaCheck(ctx, {
    type: activity.type,
    component: activity.component,
    container: activity.container,
    env: argumentsEnv(activity.arguments),
    timeoutMs: CHECK_CALL_TIMEOUT_MS,
  })
}

/** How long one check of a service may run on the target before it counts as failing. */
export const CHECK_CALL_TIMEOUT_MS = 30_000

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
  const stdout = await runSiblingTool(ctx, 'dysnomia-snapshots', args, { capture: true, step: `dysnomia-snapshots ${args[0]}` })
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
    await runSiblingTool(ctx, 'dysnomia-containers', ['--generate-expr'], { stdoutFd: handle.fd, step: 'dysnomia-containers --generate-expr' })
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

interface SiblingToolOptions {
  /** Capture stdout (the result) instead of sending it to the context's stdout. */
  capture?: boolean
  /** Send stdout to this descriptor (a temp file). */
  stdoutFd?: number
  step: string
}

/**
 * Runs one of our sibling tools (dysnomia-snapshots, dysnomia-containers) with the context's stdio
 * and returns what it printed when `capture` is set. A failure is the ChildProcessError of
 * libmain's childProcessError, carrying the child's exit status (disnix-run-activity ends with it).
 */
async function runSiblingTool(ctx: TargetContext, tool: string, args: readonly string[], options: SiblingToolOptions): Promise<string> {
  try {
    const { execa } = await import('execa')
    const result = await execa(toolPath(tool), [...args], {
      env: ctx.env,
      extendEnv: false,
      cancelSignal: ctx.signal,
      stdin: 'ignore',
      stdout: options.stdoutFd ?? (options.capture ? 'pipe' : execaOutput(ctx.stdout)),
      stderr: execaOutput(ctx.stderr),
      stripFinalNewline: false,
      encoding: 'utf8',
    } as Options)
    return typeof result.stdout === 'string' ? result.stdout : ''
  } catch (error) {
    // The child's stderr went to the context's stderr, not into the message.
    if (isExecaError(error)) throw childProcessError({ ...execaOutcome(error), stderr: undefined }, { step: options.step, programKind: tool, cause: error })
    throw error
  }
}

/** A context's output as execa takes it: a stream is piped into (and left open). */
function execaOutput(output: TargetOutput): 'inherit' | number | ['pipe', NodeJS.WritableStream] {
  return typeof output === 'object' ? ['pipe', forwardStream(output)] : output
}
