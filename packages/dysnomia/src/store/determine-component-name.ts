import { basename } from 'node:path'

export const DEFAULT_NIX_STORE_DIR = '/nix/store'

export interface NameOptions {
  /** The Nix store directory (NIX_STORE_DIR); default `/nix/store`. */
  storeDir?: string
}

/**
 * The component name of a path: its basename, minus the 33 characters of hash and dash when the path
 * lies below the Nix store (only top-level store paths are meant, as in the original).
 */
export function determineComponentName(path: string, options: NameOptions = {}): string {
  const storeDir = options.storeDir || DEFAULT_NIX_STORE_DIR
  const name = basename(path)
  return path.startsWith(`${storeDir}/`) ? name.slice(33) : name
}

/** The container name: the module type when no container is given, else its (store-stripped) basename. */
export function determineContainerName(container: string | undefined, type: string, options: NameOptions = {}): string {
  return container === undefined || container === '' ? type : determineComponentName(container, options)
}
