import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { runCommand, toolArgv, toolPath, type ProgressSink, type ToolDefinition } from '@disnix-ts/libmain'
import { disnixConvertManifest, type DisnixConvertManifestOptions } from '../tools/disnix-convert-manifest.js'
import { disnixManifest, type DisnixManifestOptions } from '../tools/disnix-manifest.js'
import { disnixSet, type DisnixSetOptions } from '../tools/disnix-set.js'

export interface ConvertOptions {
  /** The V1 manifest; default: the coordinator profile's manifest. */
  manifest?: string
  infrastructure: string
  profile: string
  coordinatorProfilePath?: string
  clientInterface: string
  targetProperty: string
  noCoordinatorProfile?: boolean
  noTargetProfiles?: boolean
  showTrace?: boolean
  /** Where the temporary deployment model goes (TMPDIR). */
  tmpdir: string
  env?: NodeJS.ProcessEnv
  progress: ProgressSink
}

/**
 * disnix-convert (spec §5.10) as the original script composes it, each step its own process whose
 * command line comes from its own definition: `disnix-convert-manifest`, then `disnix-manifest -D` on
 * the model it printed, then `disnix-set`. Returns the new manifest's path.
 */
export async function runConvert(options: ConvertOptions): Promise<string> {
  const { progress } = options
  const dir = await mkdtemp(join(options.tmpdir, 'disnix-convert-'))
  try {
    progress({ kind: 'message', text: 'Converting old profile manifest...' })
    const model = await runStep(disnixConvertManifest, convertManifestStep(options), 'converting the old manifest', options.env)
    const modelFile = join(dir, 'deployment.nix')
    await writeFile(modelFile, model)

    progress({ kind: 'message', text: 'Building converted deployment model...' })
    const built = await runStep(disnixManifest, buildStep(options, modelFile), 'building the converted deployment model', options.env)
    const manifest = built.trim().split('\n').pop() ?? ''

    progress({ kind: 'message', text: 'Setting profiles...' })
    await runStep(disnixSet, setStep(options, manifest), 'setting the profiles', options.env)
    progress({ kind: 'message', text: 'Conversion done, you should now be able to deploy again by providing the --no-lock parameter to disnix-env' })
    return manifest
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

type StepOptions = Omit<ConvertOptions, 'tmpdir' | 'env' | 'progress'>

/** What disnix-convert hands to disnix-convert-manifest. */
export function convertManifestStep(options: StepOptions): { opts: Partial<DisnixConvertManifestOptions>; args: [manifest?: string] } {
  return {
    opts: {
      infrastructure: resolve(options.infrastructure),
      profile: options.profile,
      coordinatorProfilePath: options.coordinatorProfilePath,
      interface: options.clientInterface,
      targetProperty: options.targetProperty,
      showTrace: options.showTrace,
    },
    args: [options.manifest === undefined ? undefined : resolve(options.manifest)],
  }
}

/** What disnix-convert hands to disnix-manifest: the converted deployment model. */
export function buildStep(options: StepOptions, modelFile: string): { opts: Partial<DisnixManifestOptions>; args: [] } {
  return {
    opts: { deployment: modelFile, targetProperty: options.targetProperty, interface: options.clientInterface, showTrace: options.showTrace, outLink: false },
    args: [],
  }
}

/** What disnix-convert hands to disnix-set: the manifest disnix-manifest built. */
export function setStep(options: StepOptions, manifest: string): { opts: Partial<DisnixSetOptions>; args: [manifest: string] } {
  return {
    opts: {
      profile: options.profile,
      coordinatorProfilePath: options.coordinatorProfilePath,
      coordinatorProfile: !options.noCoordinatorProfile,
      targetProfiles: !options.noTargetProfiles,
    },
    args: [manifest],
  }
}

/** Runs a step as its own process; its stderr (progress, errors) goes to ours; returns its stdout. */
async function runStep<O, A extends unknown[]>(tool: ToolDefinition<O, unknown, A>, step: { opts: Partial<O>; args: A }, what: string, env: NodeJS.ProcessEnv | undefined): Promise<string> {
  const { stdout } = await runCommand(toolPath(tool.name), toolArgv(tool, step.opts, step.args), { env, stderr: 'inherit', step: what })
  return stdout
}
