import { join } from 'node:path'
import { DisnixError } from '@disnix-ts/libmain'

/** Which component's corner of the snapshot store an operation works on (spec dysnomia.md §3.1). */
export interface StoreContext {
  stateDir: string
  containerName: string
  componentName: string
}

/** The five places of one component in the store. */
export interface StorePaths {
  snapshots: string
  generations: string
  checksums: string
  garbage: string
  activated: string
}

/** The store paths of a component: `<stateDir>/<area>/<container>/<component>`. */
export function composeStorePaths(ctx: StoreContext): StorePaths {
  assertStoreName(ctx.containerName, 'container')
  assertStoreName(ctx.componentName, 'component')
  const at = (area: string): string => join(ctx.stateDir, area, ctx.containerName, ctx.componentName)
  return {
    snapshots: at('snapshots'),
    generations: at('generations'),
    checksums: at('checksums'),
    garbage: at('garbage'),
    activated: at('activated'),
  }
}

/**
 * A container, component or snapshot id names exactly one directory entry of the store; anything that
 * could address another place (empty, `.`, `..`, a slash) is refused.
 */
export function assertStoreName(name: string, what: 'container' | 'component' | 'snapshot'): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || name.includes('\n')) {
    throw new DisnixError('INVALID_STORE_NAME', `Invalid ${what} name for the snapshot store: '${name}'`)
  }
}
