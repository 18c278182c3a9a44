import { constants } from 'node:fs'
import { access, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { fileAccessError } from './file-access-error.js'
import { canonicalPath, isPathReference } from './resolve-path.js'

export interface ResolveModuleOptions {
  /** DYSNOMIA_MODULES_PATH, searched first. */
  modulesPath: readonly string[]
  /** The bundled modules directory, searched last. */
  builtinModulesDir: string
  cwd?: string
}

/**
 * Finds the executable of a module type: a type starting with `/` or `./` is a path (a file, or a
 * package directory holding exactly one `libexec/dysnomia/*`); any other type is looked up in
 * DYSNOMIA_MODULES_PATH and then the bundled modules. The result is always a regular executable file.
 */
export async function resolveModule(type: string, options: ResolveModuleOptions): Promise<string> {
  // QUIRK §1.2: an empty type made the original match the search directory itself; it is simply missing.
  if (type === '') throw moduleNotFound(type)
  if (isPathReference(type)) return resolveModulePath(type, options.cwd)
  // A name is looked up in the modules directories, so it must stay one directory entry:
  // `../../usr/bin/touch` would otherwise run a program outside of them.
  if (type.includes('/') || type === '.' || type === '..' || type.includes('\0')) {
    throw new DisnixError(
      'INVALID_MODULE_TYPE',
      `ERROR: Invalid module type: ${JSON.stringify(type)}: a type is either a module name without '/' (looked up in ` +
        `DYSNOMIA_MODULES_PATH and the bundled modules) or a path starting with / or ./ to a module or a package with one libexec/dysnomia/* module`,
    )
  }
  const skipped: string[] = []
  for (const dir of [...options.modulesPath, options.builtinModulesDir]) {
    const candidate = join(dir, type)
    const kind = await fileKind(candidate)
    if (kind === 'executable') return candidate
    if (kind !== 'missing') skipped.push(`${candidate} is ${describeKind(kind)}`)
  }
  throw moduleNotFound(type, skipped.join('; '))
}

async function resolveModulePath(type: string, cwd?: string): Promise<string> {
  const path = await canonicalPath(type, cwd)
  const kind = await fileKind(path)
  if (kind === 'missing') throw moduleNotFound(type)
  if (kind === 'directory') {
    const libexec = join(path, 'libexec', 'dysnomia')
    let entries: string[]
    try {
      entries = (await readdir(libexec)).sort()
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) throw moduleNotFound(type, `${libexec} does not exist`)
      throw fileAccessError(error, 'read the module directory', libexec)
    }
    if (entries.length !== 1) {
      throw moduleNotFound(type, `${libexec} must hold exactly one module, it holds ${entries.length}`)
    }
    return resolveModulePath(join(libexec, entries[0] as string), cwd)
  }
  if (kind !== 'executable') throw moduleNotFound(type, `${path} is ${describeKind(kind)}`)
  return path
}

type FileKind = 'missing' | 'directory' | 'not-executable' | 'special' | 'executable'

async function fileKind(path: string): Promise<FileKind> {
  let info
  try {
    info = await stat(path)
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return 'missing'
    throw fileAccessError(error, 'look for the module', path)
  }
  if (info.isDirectory()) return 'directory'
  if (!info.isFile()) return 'special'
  try {
    await access(path, constants.X_OK)
    return 'executable'
  } catch (error) {
    if (hasErrorCode(error, 'EACCES')) return 'not-executable'
    throw error
  }
}

function describeKind(kind: FileKind): string {
  switch (kind) {
    case 'directory':
      return 'a directory, not an executable file'
    case 'not-executable':
      return 'not executable'
    case 'special':
      return 'not a regular file'
    default:
      return kind
  }
}

function moduleNotFound(type: string, detail?: string): DisnixError {
  return new DisnixError('MODULE_NOT_FOUND', `Module: ${type} cannot be found!${detail ? ` (${detail})` : ''}`)
}
