import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where this installation lives: the repository root (a clone) or the installed package root. Tools
 * find their siblings, the bundled Dysnomia modules and the Nix expressions relative to it first, as
 * the original finds its configured bindir/libexecdir, so a target that runs the tools from a
 * checkout needs no PATH set-up.
 */
export function installRoot(): string {
  // This file is packages/libmain/{src,lib}/install-paths.{ts,js}.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
}

/** Absolute path of a sibling executable of this installation, or the bare name (PATH lookup). */
export function toolPath(name: string): string {
  const candidate = join(installRoot(), 'bin', name)
  return existsSync(candidate) ? candidate : name
}

/** The directory of the bundled Dysnomia modules (`modules/`). */
export function bundledModulesDir(): string {
  return join(installRoot(), 'modules')
}

/** The directory of the Nix expressions behind disnix-manifest and friends (`nix/`). */
export function nixExprDir(): string {
  return join(installRoot(), 'nix')
}

/** The bin directory of this installation, to put in front of PATH for child processes. */
export function binDir(): string {
  return join(installRoot(), 'bin')
}
