import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { reportedToolError, runCommand, silentProgress, toolPath, type ProgressSink, type RunCommandOptions } from '@disnix-ts/libmain'

export interface ConvertDeploymentOptions {
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
  tmpDir?: string
  env?: NodeJS.ProcessEnv
  progress?: ProgressSink
}

/**
 * `disnix-convert`: converts a deployment made with a version 1 manifest to version 2 by running
 * `disnix-convert-manifest`, building the result with `disnix-manifest -D` and setting the coordinator
 * and target profiles with `disnix-set`, as the original script does. Returns the new manifest path.
 */
export async function convertDeployment(options: ConvertDeploymentOptions): Promise<string> {
  const progress = options.progress ?? silentProgress
  const common = { env: options.env, stderr: 'inherit' as const }
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'disnix-convert-'))
  try {
    progress({ kind: 'message', text: 'Converting old profile manifest...' })
    const convertArgs = ['--profile', options.profile, '--target-property', options.targetProperty, '--interface', options.clientInterface]
    if (options.coordinatorProfilePath !== undefined) convertArgs.push('--coordinator-profile-path', options.coordinatorProfilePath)
    if (options.showTrace) convertArgs.push('--show-trace')
    convertArgs.push('-i', resolve(options.infrastructure))
    if (options.manifest !== undefined) convertArgs.push(resolve(options.manifest))
    const { stdout: model } = await runStep('disnix-convert-manifest', convertArgs, { env: options.env, step: 'converting the old manifest' })
    const modelFile = join(dir, 'deployment.nix')
    await writeFile(modelFile, model)

    progress({ kind: 'message', text: 'Building converted deployment model...' })
    const manifestArgs = ['--no-out-link', '--target-property', options.targetProperty, '--interface', options.clientInterface]
    if (options.showTrace) manifestArgs.push('--show-trace')
    const built = await runStep('disnix-manifest', [...manifestArgs, '-D', modelFile], { env: options.env, step: 'building the converted deployment model' })
    const manifest = built.stdout.trim().split('\n').pop() ?? ''

    progress({ kind: 'message', text: 'Setting profiles...' })
    const setArgs = ['--profile', options.profile]
    if (options.coordinatorProfilePath !== undefined) setArgs.push('--coordinator-profile-path', options.coordinatorProfilePath)
    if (options.noCoordinatorProfile) setArgs.push('--no-coordinator-profile')
    if (options.noTargetProfiles) setArgs.push('--no-target-profiles')
    await runCommand(toolPath('disnix-set'), [...setArgs, manifest], { ...common, step: 'setting the profiles' })
    progress({ kind: 'message', text: 'Conversion done, you should now be able to deploy again by providing the --no-lock parameter to disnix-env' })
    return manifest
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Runs a step that prints nothing but its result and, when it fails, its own message (which names
 * the manifest or model): that message becomes ours, so that it is printed once.
 */
async function runStep(tool: string, args: readonly string[], options: RunCommandOptions): Promise<{ stdout: string }> {
  try {
    return await runCommand(toolPath(tool), args, options)
  } catch (error) {
    throw reportedToolError(error, 'MANIFEST_INVALID') ?? error
  }
}
