import { join } from 'node:path'
import { bundledModulesDir } from '@disnix-ts/libmain'
import type { DysnomiaRequest } from './prepare-dysnomia-invocation.js'

export const DEFAULT_CONTAINERS_PATH = '/etc/dysnomia/containers'
export const DEFAULT_COMPONENTS_PATH = '/etc/dysnomia/components'
export const DEFAULT_PROPERTIES_FILE = '/etc/dysnomia/properties'
export const ROOT_STATE_DIR = '/var/state/dysnomia'

/** Where Dysnomia looks for things, from the environment variables of the spec with their defaults. */
export interface DysnomiaSettings {
  containersPath: string[]
  componentsPath: string[]
  /** Searched before the bundled modules directory. */
  modulesPath: string[]
  stateDir: string
  propertiesFile: string
}

export interface Identity {
  uid: number
  home?: string
}

/**
 * Reads DYSNOMIA_CONTAINERS_PATH, DYSNOMIA_COMPONENTS_PATH, DYSNOMIA_MODULES_PATH, DYSNOMIA_STATEDIR
 * and DYSNOMIA_PROPERTIES from `env` (which the tool passes in) and applies the defaults.
 */
export function dysnomiaSettings(env: NodeJS.ProcessEnv, identity: Identity): DysnomiaSettings {
  return {
    containersPath: splitSearchPath(nonEmpty(env.DYSNOMIA_CONTAINERS_PATH) ?? DEFAULT_CONTAINERS_PATH),
    componentsPath: splitSearchPath(nonEmpty(env.DYSNOMIA_COMPONENTS_PATH) ?? DEFAULT_COMPONENTS_PATH),
    modulesPath: splitSearchPath(env.DYSNOMIA_MODULES_PATH ?? ''),
    stateDir: defaultStateDir(env, identity),
    propertiesFile: nonEmpty(env.DYSNOMIA_PROPERTIES) ?? DEFAULT_PROPERTIES_FILE,
  }
}

/**
 * What a request of a caller with this environment looks in and where its state goes: the caller's
 * environment, the search paths and state directory it sets, and the bundled modules directory. The
 * rest of a request (operation, component, container, type, mode) is the caller's.
 */
export function requestSettings(env: NodeJS.ProcessEnv, identity: Identity): Pick<DysnomiaRequest, 'env' | 'stateDir' | 'containersPath' | 'componentsPath' | 'modulesPath' | 'builtinModulesDir'> {
  const settings = dysnomiaSettings(env, identity)
  return {
    env,
    stateDir: settings.stateDir,
    containersPath: settings.containersPath,
    componentsPath: settings.componentsPath,
    modulesPath: settings.modulesPath,
    builtinModulesDir: bundledModulesDir(),
  }
}

/**
 * DYSNOMIA_STATEDIR, or `/var/state/dysnomia` for root and `$HOME/.dysnomia` for others.
 * QUIRK §2.4/B.3: the original lets each module compute this under `env -i`, where HOME is unset, so a
 * non-root module ends up with `/.dysnomia`; we compute it once from the caller's real HOME and pass
 * it to the module.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv, identity: Identity): string {
  const configured = nonEmpty(env.DYSNOMIA_STATEDIR)
  if (configured !== undefined) return configured
  if (identity.uid === 0) return ROOT_STATE_DIR
  return join(nonEmpty(env.HOME) ?? identity.home ?? '/', '.dysnomia')
}

/** A colon-separated search path as a list of directories, empty entries dropped. */
export function splitSearchPath(value: string): string[] {
  return value.split(':').filter((dir) => dir !== '')
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
