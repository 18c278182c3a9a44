import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { DisnixError, hasErrorCode } from '@disnix-ts/libmain'
import { assertDysnomiaOperation } from './dysnomia-operations.js'
import { fileAccessError } from './file-access-error.js'
import { propertiesToEnv, propertyValueString, readConfigFile, type ConfigProperty } from './config-file.js'
import { resolveModule } from './resolve-module.js'
import { canonicalPath, existingCanonicalPath, isPathReference } from './resolve-path.js'

/** What `dysnomia` is asked to do, with the settings the caller read from its environment. */
export interface DysnomiaRequest {
  operation: string
  /** A component name (looked up in the components path) or a path (`/...`, `./...`). */
  component: string
  /** A container configuration name or path; in environment mode only a name passed to the module. */
  container?: string
  /** The module type; in file mode a fallback for a container file without `type=`. */
  type?: string
  /** Take the container properties from `env` instead of a container configuration file. */
  environment?: boolean
  /** The caller's environment: inherited in environment mode, PATH taken from it in file mode. */
  env: NodeJS.ProcessEnv
  stateDir: string
  containersPath: readonly string[]
  componentsPath: readonly string[]
  modulesPath: readonly string[]
  builtinModulesDir: string
  cwd?: string
}

/** A resolved module call: `module operation componentPath containerArg` with exactly `env`. */
export interface DysnomiaInvocation {
  module: string
  operation: string
  componentPath: string
  /** The raw --container value (or the type in environment mode without --container), as `$3`. */
  containerArg: string
  /** The container configuration file in file mode. */
  containerFile?: string
  /** The container properties of the file (without `type`); empty in environment mode. */
  properties: readonly ConfigProperty[]
  /** The complete environment of the module. */
  env: Record<string, string>
}

/**
 * What several invocations prepared from requests with the same search paths, built-in modules
 * directory, cwd and environment can share (a profile's lock notifications: one per service):
 * each module type is looked up once, and the environment-mode environment is copied once.
 */
export interface InvocationCache {
  modules: Map<string, Promise<string>>
  environments: WeakMap<NodeJS.ProcessEnv, Record<string, string>>
}

export function invocationCache(): InvocationCache {
  return { modules: new Map(), environments: new WeakMap() }
}

/**
 * Resolves container, component and module exactly in the order of the original (spec §1.2), so that
 * the first problem reported is the one the original reports. Nothing is changed on disk. `cache`:
 * shared with other requests of the same settings (see {@link InvocationCache}).
 */
export async function prepareDysnomiaInvocation(request: DysnomiaRequest, cache?: InvocationCache): Promise<DysnomiaInvocation> {
  const cwd = request.cwd ?? process.cwd()
  if (request.operation === '') throw new DisnixError('USAGE', 'ERROR: No operation specified!')
  assertDysnomiaOperation(request.operation)

  let type = request.type ?? ''
  let containerArg = request.container ?? ''
  let containerFile: string | undefined
  let properties: ConfigProperty[] = []
  if (request.environment) {
    if (containerArg === '') containerArg = type
  } else if (containerArg !== '') {
    containerFile = await findContainerFile(containerArg, request.containersPath, cwd)
    const all = await readConfigFile(containerFile, { env: request.env, cwd })
    const typeLines = all.filter((property) => property.name === 'type')
    const last = typeLines[typeLines.length - 1]
    if (last !== undefined) type = propertyValueString(last.value)
    if (type === '') throw new DisnixError('USAGE', 'ERROR: No type specified in the container configuration!')
    properties = all.filter((property) => property.name !== 'type')
  } else {
    throw new DisnixError('USAGE', 'No container file or environment specified!')
  }

  const componentPath = await findComponent(request.component, containerArg, request.componentsPath, cwd)
  if (type === '') throw new DisnixError('USAGE', 'ERROR: No type specified! (--environment requires --type TYPE)')
  const module = await cachedModule(type, request, cwd, cache)

  const common = { PATH: request.env.PATH ?? '', DYSNOMIA_STATEDIR: request.stateDir }
  const env = request.environment ? environmentModeEnv(request.env, common, cache) : { ...propertiesToEnv(properties), ...common }
  return { module, operation: request.operation, componentPath, containerArg, containerFile, properties, env }
}

function cachedModule(type: string, request: DysnomiaRequest, cwd: string, cache: InvocationCache | undefined): Promise<string> {
  const resolve = () => resolveModule(type, { modulesPath: request.modulesPath, builtinModulesDir: request.builtinModulesDir, cwd })
  if (cache === undefined) return resolve()
  let module = cache.modules.get(type)
  if (module === undefined) cache.modules.set(type, (module = resolve()))
  return module
}

/** The caller's environment with PATH and DYSNOMIA_STATEDIR set; one object for all users of a cache. */
function environmentModeEnv(env: NodeJS.ProcessEnv, common: { PATH: string; DYSNOMIA_STATEDIR: string }, cache: InvocationCache | undefined): Record<string, string> {
  const cached = cache?.environments.get(env)
  if (cached !== undefined && cached.PATH === common.PATH && cached.DYSNOMIA_STATEDIR === common.DYSNOMIA_STATEDIR) return cached
  const computed = { ...definedEntries(env), ...common }
  cache?.environments.set(env, computed)
  return computed
}

async function findContainerFile(container: string, containersPath: readonly string[], cwd: string): Promise<string> {
  if (isPathReference(container)) {
    const path = await canonicalPath(container, cwd)
    if (!(await isRegularFile(path, 'read the container configuration'))) {
      throw new DisnixError('CONTAINER_NOT_FOUND', `No container configuration found for: ${container} (${path} is not a file)`)
    }
    return path
  }
  for (const dir of containersPath) {
    const candidate = join(dir, container)
    if (await isRegularFile(candidate, 'look for the container configuration')) return candidate
  }
  throw new DisnixError('CONTAINER_NOT_FOUND', `No container configuration found for: ${container}`, {
    hint: containersPath.length > 0 ? `searched DYSNOMIA_CONTAINERS_PATH: ${containersPath.join(':')}` : undefined,
  })
}

/**
 * A component path must exist (the original passed a missing one to the module, which then failed in a
 * module-specific way); a name is looked up as `DIR/<container argument>/<name>`.
 */
async function findComponent(component: string, containerArg: string, componentsPath: readonly string[], cwd: string): Promise<string> {
  if (component === '') throw new DisnixError('USAGE', 'ERROR: No component is specified!')
  if (isPathReference(component)) {
    // A path that resolves exists: the resolution is the existence check.
    const path = await existingCanonicalPath(component, cwd)
    if (path === undefined) throw new DisnixError('COMPONENT_NOT_FOUND', `ERROR: Component: ${component} does not exist!`)
    return path
  }
  for (const dir of componentsPath) {
    const candidate = join(dir, containerArg, component)
    if (await exists(candidate, 'look for the component')) return canonicalPath(candidate, cwd)
  }
  throw new DisnixError('COMPONENT_NOT_FOUND', `No component configuration found for: ${component}`, {
    hint: componentsPath.length > 0 ? `searched DYSNOMIA_COMPONENTS_PATH: ${componentsPath.map((dir) => join(dir, containerArg)).join(':')}` : undefined,
  })
}

async function isRegularFile(path: string, step: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return false
    throw fileAccessError(error, step, path)
  }
}

async function exists(path: string, step: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT') || hasErrorCode(error, 'ENOTDIR')) return false
    throw fileAccessError(error, step, path)
  }
}

function definedEntries(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value
  return out
}
