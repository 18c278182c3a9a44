import { resolve } from 'node:path'
import { userInfo } from 'node:os'
import { coordinatorLine, DisnixError, runCommand, toolPath } from '@disnix-ts/libmain'
import { coordinatorProfileDir } from '@disnix-ts/libmanifest'
import { deleteAllGenerations, generationLinks, generationManifest, rollbackTarget, switchTarget } from '@disnix-ts/libdeploy'
import { deleteGenerations, listGenerations } from '@disnix-ts/libnix'
import { selectModels } from '../models/select-models.js'
import type { EnvOptions } from '../tools/disnix-env.js'

/**
 * disnix-env (spec §5.8) as the original composes it: generation operations on the coordinator profile,
 * or `disnix-manifest` (preceded by `disnix-delegate` with --build-on-targets) followed by
 * `disnix-deploy`, each its own process. Returns the exit status.
 */
export async function runEnv(opts: EnvOptions, flags: { deployState: boolean; deleteState: boolean }): Promise<number> {
  const dir = coordinatorProfileDir({ path: opts.coordinatorProfilePath, user: userInfo().username })
  const profilePath = resolve(dir, opts.profile)

  if (opts.listGenerations) {
    const generations = await listGenerations(profilePath)
    for (const g of generations) process.stdout.write(`${String(g.id).padStart(4)}   ${g.date}   ${g.current ? '(current)' : ''}\n`)
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
  if (opts.rollback || opts.switchToGeneration !== undefined) {
    const { target, current } = opts.rollback ? await rollbackTarget(dir, opts.profile) : await switchTarget(dir, opts.profile, opts.switchToGeneration!)
    const manifest = await generationManifest(target)
    return runDeploy(opts, flags, manifest, current?.path)
  }

  const selection = selectModels(opts, ['models', 'packages', 'architecture', 'deployment', 'undeploy'])
  const modelArgs = modelArguments(opts)
  if (opts.buildOnTargets) {
    if (selection.kind === 'deployment' || selection.kind === 'undeploy') {
      throw new DisnixError('MODELS_INVALID', '--build-on-targets needs services, packages or architecture models')
    }
    const delegateArgs = [...modelArgs, '--target-property', opts.targetProperty, '--interface', opts.interface, '-m', String(opts.maxConcurrentTransfers)]
    // QUIRK §10/13: the original never forwards --extra-params to the delegate step; we do.
    if (opts.extraParams !== undefined) delegateArgs.push('--extra-params', opts.extraParams)
    if (opts.showTrace) delegateArgs.push('--show-trace')
    await runCommand(toolPath('disnix-delegate'), delegateArgs, { step: 'building the services on the targets', stdout: 'inherit', stderr: 'inherit' })
  }
  process.stderr.write(`${coordinatorLine('Building manifest...')}\n`)
  const manifestArgs = [...modelArgs, '--target-property', opts.targetProperty, '--no-out-link', '--interface', opts.interface]
  if (opts.extraParams !== undefined) manifestArgs.push('--extra-params', opts.extraParams)
  if (flags.deployState) manifestArgs.push('--deploy-state')
  if (opts.showTrace) manifestArgs.push('--show-trace')
  const built = await runSiblingTool('disnix-manifest', manifestArgs, true)
  if (built.exitCode !== 0) return built.exitCode
  const manifest = built.stdout.trim().split('\n').at(-1) ?? ''
  const links = await generationLinks(dir, opts.profile)
  return runDeploy(opts, flags, manifest, links.at(-1)?.path)
}

async function runDeploy(opts: EnvOptions, flags: { deleteState: boolean }, manifest: string, oldManifest: string | undefined): Promise<number> {
  const args = ['-m', String(opts.maxConcurrentTransfers), '-p', opts.profile, '--keep', String(opts.keep)]
  if (!opts.lock) args.push('--no-lock')
  if (!opts.upgrade) args.push('--no-upgrade')
  if (flags.deleteState) args.push('--delete-state')
  // QUIRK §10/3: the original passes these two to a disnix-deploy that rejects them; ours accepts them.
  if (!opts.coordinatorProfile) args.push('--no-coordinator-profile')
  if (!opts.targetProfiles) args.push('--no-target-profiles')
  if (opts.coordinatorProfilePath) args.push('--coordinator-profile-path', opts.coordinatorProfilePath)
  if (!opts.migration) args.push('--no-migration')
  if (opts.depthFirst) args.push('--depth-first')
  if (opts.dryRun) args.push('--dry-run')
  if (opts.verbose) args.push('--verbose')
  if (oldManifest !== undefined) args.push('-o', oldManifest)
  args.push(manifest)
  return (await runSiblingTool('disnix-deploy', args, false)).exitCode
}

/** Runs a sibling tool; its stderr (progress, errors) goes straight to ours, stdout is captured or passed on. */
async function runSiblingTool(tool: string, args: readonly string[], captureStdout: boolean): Promise<{ exitCode: number; stdout: string }> {
  const { execa } = await import('execa')
  // The child handles Ctrl-C itself (it rolls back); we only wait for it.
  const ignore = () => {}
  process.on('SIGINT', ignore)
  try {
    const result = await execa(toolPath(tool), [...args], { stdin: 'inherit', stdout: captureStdout ? 'pipe' : 'inherit', stderr: 'inherit', reject: false })
    if (result.exitCode === undefined) throw new DisnixError('COMMAND_FAILED', `${tool} was killed (${result.signal ?? 'unknown signal'})`)
    return { exitCode: result.exitCode, stdout: captureStdout ? String(result.stdout) : '' }
  } finally {
    process.off('SIGINT', ignore)
  }
}

function modelArguments(opts: EnvOptions): string[] {
  const args: string[] = []
  const add = (flag: string, value: string | undefined) => {
    if (value !== undefined) args.push(flag, resolve(value))
  }
  add('-s', opts.services)
  add('-i', opts.infrastructure)
  add('-d', opts.distribution)
  add('-P', opts.packages)
  add('-A', opts.architecture)
  add('-D', opts.deployment)
  if (opts.undeploy) args.push('--undeploy')
  return args
}

function parseGenerationNumbers(spec: string): number[] {
  const numbers = spec.split(/[\s,]+/).filter((s) => s !== '')
  if (numbers.length === 0 || numbers.some((n) => !/^\d+$/.test(n))) {
    throw new DisnixError('BAD_ARGUMENT', `Invalid generations: ${spec} (expected numbers, Nd or old)`)
  }
  return numbers.map(Number)
}
