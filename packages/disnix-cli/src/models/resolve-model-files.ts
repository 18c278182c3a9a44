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
  let real: string
  let isDirectory: boolean
  try {
    real = await realpath(file)
    isDirectory = (await stat(real)).isDirectory()
  } catch (error) {
    throw unusable(model, file, error)
  }
  const readable = isDirectory ? join(real, 'default.nix') : real
  try {
    await access(readable, constants.R_OK)
  } catch (error) {
    if (isDirectory && hasErrorCode(error, 'ENOENT')) {
      throw new DisnixError('MODEL_NOT_FOUND', `The ${model} model file: ${file} is a directory without a default.nix`, { cause: error })
    }
    throw unusable(model, readable === real ? file : readable, error)
  }
  return real
}

function unusable(model: string, file: string, error: unknown): DisnixError {
  if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) {
    return new DisnixError('MODEL_NOT_FOUND', `The ${model} model file: ${file} does not exist`, { cause: error })
  }
  for (const [code, reason] of [
    ['EACCES', 'permission denied'],
    ['ELOOP', 'too many levels of symbolic links'],
  ] as const) {
    if (hasErrorCode(error, code)) return new DisnixError('MODEL_UNREADABLE', `The ${model} model file: ${file} cannot be read: ${reason}`, { cause: error })
  }
  throw error
}
