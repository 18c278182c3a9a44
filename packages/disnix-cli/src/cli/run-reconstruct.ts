import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { execa } from 'execa'
import { coordinatorLine, DisnixError, toolPath } from '@disnix-ts/libmain'

export interface ReconstructOptions {
  infrastructure: string
  interface: string
  targetProperty: string
  deployState: boolean
  profile: string
  maxConcurrentTransfers: number
  coordinatorProfilePath?: string
  coordinatorProfile: boolean
  showTrace?: boolean
  xml?: boolean
  tmpdir: string
}

/**
 * disnix-reconstruct (spec §5.10) as the original composes it, each step its own process:
 * disnix-capture-manifest → `disnix-manifest -D` → disnix-compare-manifest → `disnix-set
 * --no-target-profiles` (only when the captured manifest differs from the coordinator's current one).
 * Returns the exit status: that of the step that failed, which has already reported why.
 */
export async function runReconstruct(opts: ReconstructOptions): Promise<number> {
  const where = ['-p', opts.profile, ...(opts.coordinatorProfilePath ? ['--coordinator-profile-path', opts.coordinatorProfilePath] : [])]
  const dir = await mkdtemp(join(opts.tmpdir, 'disnix-reconstruct-'))
  try {
    const captureArgs = ['-p', opts.profile, '-m', String(opts.maxConcurrentTransfers), '--interface', opts.interface, '--target-property', opts.targetProperty, '--verbose']
    if (opts.xml) captureArgs.push('--xml')
    const model = join(dir, 'deployment.nix')
    const captured = await run('disnix-capture-manifest', [...captureArgs, resolve(opts.infrastructure)])
    if (captured.exitCode !== 0) return captured.exitCode
    await writeFile(model, captured.stdout)

    process.stderr.write(`${coordinatorLine('Building captured deployment model...')}\n`)
    const manifestArgs = ['--no-out-link', '-D', model]
    if (opts.deployState) manifestArgs.push('--deploy-state')
    if (opts.showTrace) manifestArgs.push('--show-trace')
    const built = await run('disnix-manifest', manifestArgs)
    if (built.exitCode !== 0) return built.exitCode
    const manifest = built.stdout.trim().split('\n').at(-1) ?? ''

    const compare = await execa(toolPath('disnix-compare-manifest'), [...where, manifest], { stdin: 'ignore', stdout: 'ignore', stderr: 'inherit', reject: false })
    if (compare.exitCode === 0) {
      process.stderr.write(`${coordinatorLine('Not setting the profile as the manifest has not changed...')}\n`)
      return 0
    }
    if (compare.exitCode !== 1) throw new DisnixError('COMMAND_FAILED', `disnix-compare-manifest failed (exit status ${compare.exitCode ?? compare.signal})`)
    const setArgs = ['--no-target-profiles', '--verbose', ...where]
    if (!opts.coordinatorProfile) setArgs.push('--no-coordinator-profile')
    return (await run('disnix-set', [...setArgs, manifest])).exitCode
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Runs a sibling tool: its stderr (progress, errors) goes to ours, so a failing step has reported
 * why itself and its exit status is all that is left to pass on.
 */
async function run(tool: string, args: readonly string[]): Promise<{ exitCode: number; stdout: string }> {
  const result = await execa(toolPath(tool), [...args], { stdin: 'ignore', stdout: 'pipe', stderr: 'inherit', reject: false })
  if (result.exitCode === undefined) throw new DisnixError('COMMAND_FAILED', `${tool} was killed (${result.signal ?? 'unknown signal'})`)
  return { exitCode: result.exitCode, stdout: String(result.stdout) }
}
