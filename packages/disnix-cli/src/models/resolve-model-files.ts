import { constants } from 'node:fs'
import { access, realpath, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import type { ModelFileArg, ModelSelection } from './select-models.js'

const MODEL_NAME: Record<ModelFileArg, string> = {
  servicesFile: 'services',
  infrastructureFile: 'infrastructure',
  distributionFile: 'distribution',
  packagesFile: 'packages',
  architectureFile: 'architecture',
  deploymentFile: 'deployment',
  buildFile: 'build',
}

/**
 * Makes every model file of a selection absolute with symlinks resolved (as the original's
 * `readlink -f`) and checks that it can be read, so that a missing file is reported by name
 * before Nix starts. A directory counts when it holds a default.nix.
 */
export async function resolveModelFiles(selection: ModelSelection, cwd: string): Promise<ModelSelection> {
  const files: ModelSelection['files'] = {}
  for (const [arg, file] of Object.entries(selection.files) as [ModelFileArg, string][]) {
    files[arg] = await readableModelFile(MODEL_NAME[arg], resolve(cwd, file))
  }
  return { kind: selection.kind, files }
}

async function readableModelFile(model: string, file: string): Promise<string> {
  try {
    const real = await realpath(file)
    const info = await stat(real)
    await access(info.isDirectory() ? join(real, 'default.nix') : real, constants.R_OK)
    return real
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) {
      throw new DisnixError('MODEL_NOT_FOUND', `The ${model} model file: ${file} does not exist`, { cause: error })
    }
    if (hasErrorCode(error, 'EACCES') || hasErrorCode(error, 'ELOOP')) {
      throw new DisnixError('MODEL_UNREADABLE', `The ${model} model file: ${file} cannot be read`, { cause: error })
    }
    throw error
  }
}
