import { readFile } from 'node:fs/promises'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'

/** The text of an infrastructure model or XML file, with one clear error when it cannot be read. */
export async function readInfrastructureFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) throw new DisnixError('INFRASTRUCTURE_NOT_FOUND', `The infrastructure model: ${file} does not exist`)
    if (hasErrorCode(error, 'EACCES')) throw new DisnixError('INFRASTRUCTURE_NOT_FOUND', `The infrastructure model: ${file} cannot be read`)
    if (hasErrorCode(error, 'EISDIR')) throw new DisnixError('INFRASTRUCTURE_NOT_FOUND', `The infrastructure model: ${file} is a directory`)
    throw error
  }
}
