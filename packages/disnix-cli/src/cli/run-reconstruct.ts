import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { DisnixError, toolArgv, toolPath, type ProgressSink, type ToolDefinition } from '@disnix-ts/libmain'
import { disnixCaptureManifest, type DisnixCaptureManifestOptions } from '../tools/disnix-capture-manifest.js'
import { disnixCompareManifest, type DisnixCompareManifestOptions } from '../tools/disnix-compare-manifest.js'
import { disnixManifest, type DisnixManifestOptions } from '../tools/disnix-manifest.js'
import { disnixSet, type DisnixSetOptions } from '../tools/disnix-set.js'

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
  progress: ProgressSink
}

/**
 * disnix-reconstruct (spec §5.10) as the original composes it, each step its own process whose command
 * line comes from its own definition: disnix-capture-manifest → `disnix-manifest -D` →
 * disnix-compare-manifest → `disnix-set --no-target-profiles` (only when the captured manifest differs
 * from the coordinator's current one).
 */
export async function runReconstruct(opts: ReconstructOptions): Promise<void> {
  const dir = await mkdtemp(join(opts.tmpdir, 'disnix-reconstruct-'))
  try {
    const model = join(dir, 'deployment.nix')
    await writeFile(model, await run(disnixCaptureManifest, captureStep(opts), 'capturing the deployed manifest'))

    opts.progress({ kind: 'message', text: 'Building captured deployment model...' })
    const manifest = (await run(disnixManifest, buildStep(opts, model), 'building the captured deployment model')).trim().split('\n').at(-1) ?? ''

    const { execa } = await import('execa')
    const compare = compareStep(opts, manifest)
    const compared = await execa(toolPath(disnixCompareManifest.name), toolArgv(disnixCompareManifest, compare.opts, compare.args), {
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'inherit',
      reject: false,
    })
    if (compared.exitCode === 0) {
      opts.progress({ kind: 'message', text: 'Not setting the profile as the manifest has not changed...' })
      return
    }
    if (compared.exitCode !== 1) throw new DisnixError('COMMAND_FAILED', `disnix-compare-manifest failed (exit status ${compared.exitCode ?? compared.signal})`)
    await run(disnixSet, setStep(opts, manifest), 'setting the coordinator profile')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

type Step<O, A> = { opts: Partial<O>; args: A }

/** What disnix-reconstruct hands to disnix-capture-manifest. */
export function captureStep(opts: ReconstructOptions): Step<DisnixCaptureManifestOptions, [infrastructure: string]> {
  return {
    opts: {
      profile: opts.profile,
      maxConcurrentTransfers: opts.maxConcurrentTransfers,
      interface: opts.interface,
      targetProperty: opts.targetProperty,
      xml: opts.xml,
      verbose: true,
    },
    args: [resolve(opts.infrastructure)],
  }
}

/** What disnix-reconstruct hands to disnix-manifest: the captured deployment model. */
export function buildStep(opts: ReconstructOptions, model: string): Step<DisnixManifestOptions, []> {
  return { opts: { outLink: false, deployment: model, deployState: opts.deployState, showTrace: opts.showTrace }, args: [] }
}

/** What disnix-reconstruct hands to disnix-compare-manifest: the built manifest, against the coordinator profile. */
export function compareStep(opts: ReconstructOptions, manifest: string): Step<DisnixCompareManifestOptions, [manifest: string]> {
  return { opts: { profile: opts.profile, coordinatorProfilePath: opts.coordinatorProfilePath }, args: [manifest] }
}

/** What disnix-reconstruct hands to disnix-set: record the manifest on the coordinator only. */
export function setStep(opts: ReconstructOptions, manifest: string): Step<DisnixSetOptions, [manifest: string]> {
  return {
    opts: {
      targetProfiles: false,
      verbose: true,
      profile: opts.profile,
      coordinatorProfilePath: opts.coordinatorProfilePath,
      coordinatorProfile: opts.coordinatorProfile,
    },
    args: [manifest],
  }
}

/** Runs a step as its own process: its stderr (progress, errors) goes to ours; returns its stdout. */
async function run<O, A extends unknown[]>(tool: ToolDefinition<O, unknown, A>, step: Step<O, A>, what: string): Promise<string> {
  const { execa } = await import('execa')
  const result = await execa(toolPath(tool.name), toolArgv(tool, step.opts, step.args), { stdin: 'ignore', stdout: 'pipe', stderr: 'inherit', reject: false })
  if (result.exitCode !== 0) {
    throw new DisnixError('COMMAND_FAILED', `${what} failed: ${tool.name} ${result.exitCode === undefined ? `was killed (${result.signal})` : `exited with status ${result.exitCode}`}`)
  }
  return String(result.stdout)
}
