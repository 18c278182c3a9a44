import { realpath, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { userInfo } from 'node:os'
import type { Writable } from 'node:stream'
import { ARGV_ON_STDIN, ChildProcessError, DisnixError, envFlag, hasErrorCode, runChild, toolArgv, toolPath, type ChildRun, type ToolDefinition, type ToolIo } from '@disnix-ts/libmain'
import { selectModels, type ModelOptions } from '../models/select-models.js'
import { disnixActivate, type DisnixActivateOptions } from '../tools/disnix-activate.js'
import { disnixDelegate, type DisnixDelegateOptions } from '../tools/disnix-delegate.js'
import { disnixDeploy, type DisnixDeployOptions } from '../tools/disnix-deploy.js'
import { disnixManifest, type DisnixManifestOptions } from '../tools/disnix-manifest.js'
import type { CoordinatorLocalSession } from './coordinator-session.js'
import type { DisnixEnvOptions } from './env-options.js'

/**
 * disnix-env (spec §5.8) as the original composes it: generation operations on the coordinator profile,
 * or `disnix-manifest` (preceded by `disnix-delegate` with --build-on-targets) followed by
 * `disnix-deploy`, each its own process, whose command lines come from their own definitions. Returns
 * the exit status: that of the step that failed.
 */
export async function runEnv(opts: DisnixEnvOptions, io: ToolIo, session: CoordinatorLocalSession): Promise<number> {
  const flags: StepFlags = { deployState: opts.deployState === true || envFlag(io.env, 'DISNIX_DEPLOY_STATE'), deleteState: opts.deleteState === true || envFlag(io.env, 'DISNIX_DELETE_STATE') }
  if (!opts.listGenerations && opts.deleteGenerations === undefined && !opts.deleteAllGenerations && !opts.rollback && opts.switchToGeneration === undefined && !opts.repair) {
    return buildAndDeploy(opts, flags, io, session)
  }
  // The generation operations need the libraries that a deployment from models leaves to its steps.
  const [{ deleteAllGenerations, generationManifest, rollbackTarget, switchTarget }, { coordinatorProfileDir, deleteGenerations, generationLinks, listGenerations }] = await Promise.all([
    import('@disnix-ts/libdeploy'),
    import('@disnix-ts/libnix'),
  ])
  const dir = coordinatorProfileDir({ path: opts.coordinatorProfilePath, user: userInfo().username })
  const profilePath = resolve(dir, opts.profile)

  if (opts.listGenerations || opts.deleteGenerations !== undefined) await requireProfileDir(dir, opts.profile)
  if (opts.listGenerations) {
    const generations = await listGenerations(profilePath)
    for (const g of generations) io.stdout.write(`${String(g.id).padStart(4)}   ${g.date}   ${g.current ? '(current)' : ''}\n`)
    return 0
  }
  if (opts.deleteGenerations !== undefined) {
    const spec = opts.deleteGenerations
    const generations = spec === 'old' || /^\d+d$/.test(spec) ? (spec as 'old' | `${number}d`) : parseGenerationNumbers(spec)
    await deleteGenerations(profilePath, generations)
    return 0
  }
  if (opts.deleteAllGenerations) {
    await deleteAllGenerations(dir, opts.profile)
    return 0
  }
  if (opts.repair) {
    const current = await generationLinks(dir, opts.profile)
    if (current.length === 0) throw new DisnixError('NO_MANIFEST', 'Nothing to repair: no deployment is recorded in the coordinator profile', { hint: 'deploy first (disnix-env)' })
    const manifest = await realpath(profilePath)
    return (await runSiblingTool(disnixActivate, toolArgv(disnixActivate, repairStep(opts), [manifest]), false)).exitCode
  }
  const { target, current } = opts.rollback ? await rollbackTarget(dir, opts.profile) : await switchTarget(dir, opts.profile, opts.switchToGeneration!)
  const manifest = await generationManifest(target)
  return runDeploy(opts, flags, manifest, current?.path)
}

/**
 * `disnix-manifest` (after `disnix-delegate` with --build-on-targets), then `disnix-deploy` with the
 * newest coordinator generation as the previous manifest, looked up while the manifest is built. This
 * process only spawns its steps: it loads none of the deployment libraries, so its start-up stays
 * small (ARCHITECTURE §5).
 */
async function buildAndDeploy(opts: DisnixEnvOptions, flags: StepFlags, io: ToolIo, session: CoordinatorLocalSession): Promise<number> {
  const selection = selectModels(opts, ['models', 'packages', 'architecture', 'deployment', 'undeploy'])
  if (opts.buildOnTargets) {
    if (selection.kind === 'deployment' || selection.kind === 'undeploy') {
      throw new DisnixError('MODELS_INVALID', '--build-on-targets needs services, packages or architecture models')
    }
    const delegated = await runSiblingTool(disnixDelegate, toolArgv(disnixDelegate, delegateStep(opts), []), false)
    if (delegated.exitCode !== 0) return delegated.exitCode
  }
  session.progress({ kind: 'message', text: 'Building manifest...' })
  const building = runSiblingTool(disnixManifest, toolArgv(disnixManifest, manifestStep(opts, flags), []), true)
  // disnix-deploy starts now and loads its libraries while the manifest is built; it gets its command
  // line once the manifest is there (ARGV_ON_STDIN), or nothing, and ends, when there is none.
  const deploying = startSiblingToolAhead(disnixDeploy)
  // Looked up while the manifest is built; its failure counts only once the manifest step succeeded.
  const newestGeneration = newestGenerationLink(opts).then(
    (path) => () => path,
    (error: unknown) => () => {
      throw error
    },
  )
  const built = await building.catch(async (error: unknown) => {
    // The manifest step could not run or was killed: the deploy step is not needed.
    await deploying.cancel()
    throw error
  })
  const oldManifest = await newestGeneration
  if (built.exitCode !== 0) {
    await deploying.cancel()
    return built.exitCode
  }
  const manifest = built.stdout.trim().split('\n').at(-1) ?? ''
  let args: string[]
  try {
    args = toolArgv(disnixDeploy, deployStep(opts, flags, oldManifest()), [manifest])
  } catch (error) {
    await deploying.cancel()
    throw error
  }
  return (await deploying.run(args)).exitCode
}

/** The newest generation link of the coordinator profile (the previous manifest), as the original's `sort -V | tail -1`. */
async function newestGenerationLink(opts: DisnixEnvOptions): Promise<string | undefined> {
  const { coordinatorProfileDir, generationLinks } = await import('@disnix-ts/libnix')
  const dir = coordinatorProfileDir({ path: opts.coordinatorProfilePath, user: userInfo().username })
  return (await generationLinks(dir, opts.profile)).at(-1)?.path
}

async function runDeploy(opts: DisnixEnvOptions, flags: StepFlags, manifest: string, oldManifest: string | undefined): Promise<number> {
  return (await runSiblingTool(disnixDeploy, toolArgv(disnixDeploy, deployStep(opts, flags, oldManifest), [manifest]), false)).exitCode
}

/** What disnix-env decided besides its options: the environment's DISNIX_DEPLOY_STATE and DISNIX_DELETE_STATE. */
export interface StepFlags {
  deployState: boolean
  deleteState: boolean
}

/** The options disnix-env hands to disnix-delegate (--build-on-targets). */
export function delegateStep(opts: DisnixEnvOptions): Partial<DisnixDelegateOptions> {
  return {
    ...modelFiles(opts),
    targetProperty: opts.targetProperty,
    interface: opts.interface,
    maxConcurrentTransfers: opts.maxConcurrentTransfers,
    // QUIRK §10/13: the original never forwards --extra-params to the delegate step; we do.
    extraParams: opts.extraParams,
    showTrace: opts.showTrace,
    verbose: opts.verbose,
    logFormat: opts.logFormat,
  }
}

/** The options disnix-env hands to disnix-manifest. */
export function manifestStep(opts: DisnixEnvOptions, flags: StepFlags): Partial<DisnixManifestOptions> {
  return {
    ...modelFiles(opts),
    targetProperty: opts.targetProperty,
    interface: opts.interface,
    extraParams: opts.extraParams,
    deployState: flags.deployState,
    showTrace: opts.showTrace,
    outLink: false,
    logFormat: opts.logFormat,
  }
}

/** The options disnix-env hands to disnix-activate for --repair. */
export function repairStep(opts: DisnixEnvOptions): Partial<DisnixActivateOptions> {
  return {
    repair: true,
    profile: opts.profile,
    coordinatorProfilePath: opts.coordinatorProfilePath,
    healthCheckTimeout: opts.healthCheckTimeout,
    healthChecks: opts.healthChecks,
    verbose: opts.verbose,
  }
}

/** The options disnix-env hands to disnix-deploy; `oldManifest` is the newest coordinator generation. */
export function deployStep(opts: DisnixEnvOptions, flags: StepFlags, oldManifest: string | undefined): Partial<DisnixDeployOptions> {
  return {
    maxConcurrentTransfers: opts.maxConcurrentTransfers,
    profile: opts.profile,
    keep: opts.keep,
    lock: opts.lock,
    upgrade: opts.upgrade,
    deleteState: flags.deleteState,
    // QUIRK §10/3: the original passes these two to a disnix-deploy that rejects them; ours accepts them.
    coordinatorProfile: opts.coordinatorProfile,
    targetProfiles: opts.targetProfiles,
    coordinatorProfilePath: opts.coordinatorProfilePath,
    migration: opts.migration,
    depthFirst: opts.depthFirst,
    dryRun: opts.dryRun,
    verbose: opts.verbose,
    healthCheckTimeout: opts.healthCheckTimeout,
    healthChecks: opts.healthChecks,
    logFormat: opts.logFormat,
    oldManifest,
  }
}

/**
 * A step started ahead of its command line (libmain's ARGV_ON_STDIN): it loads its libraries while the
 * caller still works out its arguments, then `run` hands them over, or `cancel` ends it without it
 * doing or printing anything. Like runSiblingTool, it handles Ctrl-C itself; we only wait for it.
 */
function startSiblingToolAhead(tool: ToolDefinition): { run: (args: readonly string[]) => Promise<{ exitCode: number }>; cancel: () => Promise<void> } {
  const ignore = () => {}
  process.on('SIGINT', ignore)
  let input: Writable | null = null
  const file = toolPath(tool.name)
  const running = runChild(file, [], { stdin: 'pipe', stdout: 'inherit', stderr: 'inherit', env: { [ARGV_ON_STDIN]: '1' }, attach: (child) => (input = child.stdin) }).finally(() =>
    process.off('SIGINT', ignore),
  )
  return {
    async run(args) {
      input?.end(JSON.stringify(args))
      return { exitCode: exitCodeOf(tool, file, await running) }
    },
    async cancel() {
      input?.end()
      await running
    },
  }
}

/**
 * Runs a sibling tool as its own process; its stderr (progress, errors) goes straight to ours, stdout
 * is captured or passed on. Its exit status is the result: it has already reported why.
 */
async function runSiblingTool(tool: ToolDefinition, args: readonly string[], captureStdout: boolean): Promise<{ exitCode: number; stdout: string }> {
  // The child handles Ctrl-C itself (it rolls back); we only wait for it.
  const ignore = () => {}
  process.on('SIGINT', ignore)
  try {
    const file = toolPath(tool.name)
    const outcome = await runChild(file, args, { stdin: 'inherit', stdout: captureStdout ? 'pipe' : 'inherit', stderr: 'inherit' })
    return { exitCode: exitCodeOf(tool, file, outcome), stdout: outcome.stdout }
  } finally {
    process.off('SIGINT', ignore)
  }
}

/** A sibling tool's exit status; one that could not start or was killed is an error of ours. */
function exitCodeOf(tool: ToolDefinition, file: string, outcome: ChildRun): number {
  if (outcome.spawnError !== undefined) {
    throw new ChildProcessError('COMMAND_NOT_FOUND', `cannot execute ${file}: ${outcome.spawnError.message}`, { cause: outcome.spawnError })
  }
  if (outcome.exitCode === undefined) {
    throw new ChildProcessError('COMMAND_FAILED', `${tool.name} was killed (${outcome.signal ?? 'unknown signal'})`, { signal: outcome.signal })
  }
  return outcome.exitCode
}

/** The model files as absolute paths: the steps may run elsewhere than our working directory. */
function modelFiles(opts: ModelOptions): ModelOptions {
  const absolute = (file: string | undefined) => (file === undefined ? undefined : resolve(file))
  return {
    services: absolute(opts.services),
    infrastructure: absolute(opts.infrastructure),
    distribution: absolute(opts.distribution),
    packages: absolute(opts.packages),
    architecture: absolute(opts.architecture),
    deployment: absolute(opts.deployment),
    undeploy: opts.undeploy,
  }
}

function parseGenerationNumbers(spec: string): number[] {
  const numbers = spec.split(/[\s,]+/).filter((s) => s !== '')
  if (numbers.length === 0 || numbers.some((n) => !/^\d+$/.test(n))) {
    throw new DisnixError('USAGE', `Invalid generations: ${spec} (expected numbers, Nd or old)`)
  }
  return numbers.map(Number)
}

/**
 * nix-env fails on a profile in a directory that does not exist with a message about its lock file;
 * say instead that no deployment is recorded there (a wrong -p or --coordinator-profile-path).
 */
async function requireProfileDir(dir: string, profile: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT') && !hasErrorCode(error, 'ENOTDIR')) throw error
  }
  throw new DisnixError('NO_PREVIOUS_DEPLOYMENT', `No deployment is recorded for profile: ${profile}: the coordinator profile directory ${dir} does not exist`, {
    hint: 'check -p/--profile and --coordinator-profile-path',
  })
}
